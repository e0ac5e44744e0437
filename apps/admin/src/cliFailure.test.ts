import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { ConfigError, TransientStoreError } from '@postback/core';
import { AdminInputError, ConflictError, NotFoundError, ReadReplicaUnreachableError } from './adminErrors.js';
import { cliFailure, oneLine } from './cliFailure.js';

// The shape of a Prisma 7 error from the pg driver adapter: a message with a code excerpt, the SQLSTATE in meta.
function prismaError(sqlState: string, last: string): Error {
  const err = new Error(`\nInvalid \`prisma.advertiser.create()\` invocation in\n/app/dist/cli.js:1:2\n\n→ 1 var a=1;var b=2\n${last}`);
  err.name = 'PrismaClientKnownRequestError';
  Object.assign(err, { code: 'P2039', meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: sqlState, kind: 'postgres' } } } });
  return err;
}

describe('cliFailure: one line and an exit code for every error', () => {
  it('exits 2 on bad input, naming the field', () => {
    expect(cliFailure(new AdminInputError('advertiser_id: must be a whole number from 1 to 2147483647', 'advertiser_id'))).toEqual({
      exitCode: 2,
      line: 'error: advertiser_id: must be a whole number from 1 to 2147483647',
    });
  });

  it('exits 2 when Postgres refuses a value as data (SQLSTATE class 22)', () => {
    expect(cliFailure(prismaError('22003', 'Value out of range for the type'))).toEqual({
      exitCode: 2,
      line: 'error: a number is out of range for its column (SQLSTATE 22003)',
    });
  });

  it('exits 2 on a usage error, whose line commander printed itself; help keeps its own code', () => {
    expect(cliFailure(new CommanderError(1, 'commander.unknownCommand', "error: unknown command 'x'"))).toEqual({ exitCode: 2 });
    expect(cliFailure(new CommanderError(1, 'commander.missingMandatoryOptionValue', 'error: required option'))).toEqual({ exitCode: 2 });
    expect(cliFailure(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({ exitCode: 0 });
    expect(cliFailure(new CommanderError(1, 'commander.help', '(outputHelp)'))).toEqual({ exitCode: 1 });
  });

  it('exits 2 on a bad environment, all its variables on one line', () => {
    expect(cliFailure(new ConfigError('Invalid configuration:\n  REDIS_URL: Invalid URL\n  ADMIN_PORT: Too big'))).toEqual({
      exitCode: 2,
      line: 'error: Invalid configuration: REDIS_URL: Invalid URL; ADMIN_PORT: Too big',
    });
  });

  it('exits 1 when something is not found or a store is down', () => {
    expect(cliFailure(new NotFoundError('conversion a\nb not found'))).toEqual({ exitCode: 1, line: 'error: conversion a; b not found' });
    expect(cliFailure(new TransientStoreError('redis unreachable (REDIS_URL)'))).toEqual({ exitCode: 1, line: 'error: redis unreachable (REDIS_URL)' });
    expect(cliFailure(new ReadReplicaUnreachableError('read replica unreachable (DATABASE_READ_URL)'))).toEqual({
      exitCode: 1,
      line: 'error: read replica unreachable (DATABASE_READ_URL)',
    });
  });

  it('exits 1 with its reason when an action is refused in the state things are in', () => {
    expect(cliFailure(new ConflictError('a running process still uses the layout of 3 shards'))).toEqual({
      exitCode: 1,
      line: 'error: a running process still uses the layout of 3 shards',
    });
  });

  it('exits 1 on anything unexpected with one line, not the stack or the code excerpt', () => {
    const { exitCode, line } = cliFailure(prismaError('P0001', 'Database error. Code: `P0001`. Message: `refused`'));
    expect(exitCode).toBe(1);
    expect(line).toBe('error: unexpected PrismaClientKnownRequestError: Database error. Code: `P0001`. Message: `refused`');
    expect(cliFailure(new TypeError('x is undefined'))).toEqual({ exitCode: 1, line: 'error: unexpected TypeError: x is undefined' });
    expect(cliFailure('thrown string')).toEqual({ exitCode: 1, line: 'error: unexpected thrown string' });
  });
});

describe('oneLine', () => {
  it('escapes control characters an operator typed, so a message stays one line', () => {
    expect(oneLine('id a\u0000b\tc')).toBe('id a\\u0000b\\u0009c');
    expect(oneLine('a\r\nb')).toBe('a; b');
  });
});
