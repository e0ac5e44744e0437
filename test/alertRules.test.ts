// Every Prometheus alert rule is unit-tested with promtool (ops/prometheus/tests/*.yml): a series history that fires
// it, with its labels and annotations, and one that must not (just below its threshold, or not for long enough).
// This file runs promtool on them, so `npm test` does, and fails when a rule has no such test.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertNamesOfRuleFiles, localPrometheusConfig, PROMETHEUS_DIR, ruleFilesOfPrometheusYml } from './helpers/prometheusConfig.js';
import { promtool } from './helpers/prometheusBinaries.js';

interface RuleTest {
  alertname: string;
  eval_time: string;
  exp_alerts?: Array<{ exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }>;
}
interface TestFile {
  rule_files: string[];
  tests: Array<{ alert_rule_test?: RuleTest[] }>;
}

const TESTS_DIR = `${PROMETHEUS_DIR}tests/`;
const testFiles = readdirSync(TESTS_DIR).filter((name) => name.endsWith('.yml')).sort();
const parsedTests = testFiles.map((name) => [name, parse(readFileSync(TESTS_DIR + name, 'utf8')) as TestFile] as const);
const ruleFiles = ruleFilesOfPrometheusYml();
const alertNames = alertNamesOfRuleFiles();
const ruleTests = parsedTests.flatMap(([, file]) => file.tests.flatMap((t) => t.alert_rule_test ?? []));
const relative = (path: string) => path.slice(resolve(PROMETHEUS_DIR, '../..').length + 1);

const scratch = mkdtempSync(join(tmpdir(), 'pp-promtool-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('alert rules under promtool', () => {
  it('are valid rule files (promtool check rules)', async () => {
    const { code, output } = await promtool('check', 'rules', ...ruleFiles.map(relative));
    expect(code, output).toBe(0);
    expect(output).toContain(`SUCCESS: ${alertNames.length} rules found`);
  });

  it('pass their unit tests (promtool test rules ops/prometheus/tests/*.yml)', async () => {
    expect(testFiles.length).toBeGreaterThan(0);
    const { code, output } = await promtool('test', 'rules', ...testFiles.map((name) => `ops/prometheus/tests/${name}`));
    expect(code, output).toBe(0);
    expect(output.match(/SUCCESS/g)?.length, output).toBe(testFiles.length);
  });

  it('test the rule files prometheus.yml loads, not copies of them', () => {
    for (const [name, file] of parsedTests) {
      for (const ruleFile of file.rule_files) expect(ruleFiles, `${name}: ${ruleFile}`).toContain(resolve(TESTS_DIR, ruleFile));
    }
  });

  it('have, each one, a test that fires it and a test in which it stays quiet', () => {
    const fired = new Set(ruleTests.filter((t) => (t.exp_alerts ?? []).length > 0).map((t) => t.alertname));
    const quiet = new Set(ruleTests.filter((t) => (t.exp_alerts ?? []).length === 0).map((t) => t.alertname));
    expect(alertNames.length).toBeGreaterThan(0);
    expect(alertNames.filter((name) => !fired.has(name)), 'alert rules no test fires').toEqual([]);
    expect(alertNames.filter((name) => !quiet.has(name)), 'alert rules no test keeps quiet').toEqual([]);
  });

  it('check, where an alert fires, its labels and its annotations, the command it names included', () => {
    const expected = ruleTests.flatMap((t) => (t.exp_alerts ?? []).map((alert) => [t.alertname, t.eval_time, alert] as const));
    for (const [alertname, evalTime, alert] of expected) {
      const where = `${alertname} at ${evalTime}`;
      expect(alert.exp_labels?.severity, where).toMatch(/^(warning|critical)$/);
      expect(alert.exp_annotations?.summary, where).toBeTruthy();
      expect(alert.exp_annotations?.description, where).toMatch(/`(npm run cli -- |docker compose |curl )[^`]+`/);
    }
  });

  it('are tested only for alerts that exist (a renamed rule leaves no test behind)', () => {
    expect(ruleTests.map((t) => t.alertname).filter((name) => !alertNames.includes(name))).toEqual([]);
  });
});

describe('prometheus.yml under promtool', () => {
  it('is a valid configuration with its targets made local (promtool check config)', async () => {
    const credentialsFile = join(scratch, 'admin_token');
    writeFileSync(credentialsFile, 'a-sample-admin-token-of-32-characters');
    const config = join(scratch, 'prometheus.yml');
    const targets = { receiver: '127.0.0.1:9464', worker: '127.0.0.1:9465', admin: '127.0.0.1:3001' };
    writeFileSync(config, localPrometheusConfig({ targets, credentialsFile }));
    const { code, output } = await promtool('check', 'config', config);
    expect(code, output).toBe(0);
    expect(output).toContain(`SUCCESS: ${alertNames.length} rules found`);
  });
});
