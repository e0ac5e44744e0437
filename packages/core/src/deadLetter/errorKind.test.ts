import { describe, expect, it } from 'vitest';
import { errorKindOf } from './errorKind.js';

// A pg DatabaseError as the driver throws it, and one as Prisma's driver adapter wraps it (SQLSTATE in originalCode).
const pgError = (code: string) => Object.assign(new Error('refused'), { code, severity: 'ERROR' });
const adapterError = (code: string) =>
  Object.assign(new Error('Raw query failed'), { name: 'PrismaClientKnownRequestError', code: 'P2010', meta: { driverAdapterError: { cause: { originalCode: code } } } });

describe('errorKindOf: the kind a dead-lettered job is filtered by', () => {
  it('takes the kind recorded when the job was dead-lettered over anything else', () => {
    expect(errorKindOf({ readable: false, errorKind: '23514', failedReason: 'Code: `P0001`' }, new TypeError('x'))).toBe('23514');
  });

  it('calls a payload its schema refuses unreadable, whatever the error', () => {
    expect(errorKindOf({ readable: false, failedReason: 'unreadable postback job' }, pgError('23514'))).toBe('unreadable');
    expect(errorKindOf({ readable: false })).toBe('unreadable');
  });

  it('gives the SQLSTATE of a statement Postgres refused, straight from the driver or wrapped by the adapter', () => {
    expect(errorKindOf({ readable: true }, pgError('23505'))).toBe('23505');
    expect(errorKindOf({ readable: true }, adapterError('P0001'))).toBe('P0001');
  });

  it('reads the SQLSTATE Prisma quotes in the reason when there is no error (an entry the sweep moved, or an old one)', () => {
    const failedReason = 'Invalid `prisma.$executeRaw()` invocation: Raw query failed. Code: `23514`. Message: `new row violates check constraint`';
    expect(errorKindOf({ readable: true, failedReason })).toBe('23514');
  });

  it("falls back to the error's class name, and to unknown without an error or a quoted SQLSTATE", () => {
    expect(errorKindOf({ readable: true, failedReason: 'boom' }, new RangeError('boom'))).toBe('RangeError');
    expect(errorKindOf({ readable: true, failedReason: 'boom' })).toBe('unknown');
    expect(errorKindOf({ readable: true }, 'a thrown string')).toBe('unknown');
  });
});
