import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PROMETHEUS_DIR = `${ROOT}ops/prometheus/`;
// Where docker-compose.yml mounts ops/prometheus in the Prometheus container.
const MOUNTED_AT = '/etc/prometheus/';

interface ScrapeConfig {
  job_name: string;
  static_configs?: Array<{ targets: string[] }>;
  dns_sd_configs?: unknown[];
  authorization?: { type?: string; credentials_file?: string };
  [key: string]: unknown;
}
interface PrometheusYml {
  global?: Record<string, unknown>;
  rule_files?: string[];
  scrape_configs: ScrapeConfig[];
}

/** The files of this repository that ops/prometheus/prometheus.yml's rule_files load in the compose container. */
export function ruleFilesOfPrometheusYml(): string[] {
  const config = parse(readFileSync(`${PROMETHEUS_DIR}prometheus.yml`, 'utf8')) as PrometheusYml;
  return (config.rule_files ?? []).map(repositoryPathOf);
}

/** The name of every alert rule in those files. */
export function alertNamesOfRuleFiles(): string[] {
  return ruleFilesOfPrometheusYml().flatMap((file) =>
    (parse(readFileSync(file, 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string }> }> }).groups.flatMap((g) =>
      g.rules.flatMap((r) => (r.alert ? [r.alert] : [])),
    ),
  );
}

function repositoryPathOf(containerPath: string): string {
  if (!containerPath.startsWith(MOUNTED_AT)) throw new Error(`rule file ${containerPath} is not under ${MOUNTED_AT}`);
  return PROMETHEUS_DIR + containerPath.slice(MOUNTED_AT.length);
}

export interface LocalPrometheusOptions {
  /** `host:port` of each scrape job of prometheus.yml, by job name. */
  targets: Record<string, string>;
  /** The file holding the admin token, standing for compose's /run/secrets/admin_token. */
  credentialsFile: string;
  /** Scrape and rule-evaluation interval; prometheus.yml's own when not given. */
  interval?: string;
}

/**
 * ops/prometheus/prometheus.yml as it would run outside compose: each job's service discovery replaced by a static
 * target (compose finds worker replicas through DNS; a test knows its own ports), the rule files and the admin token
 * read from where they are on this machine. Everything else — job names, paths, authorization — is the file's own.
 * A job without a target in `targets` is an error naming it, so a job added to prometheus.yml cannot go unscraped.
 */
export function localPrometheusConfig({ targets, credentialsFile, interval }: LocalPrometheusOptions): string {
  const config = parse(readFileSync(`${PROMETHEUS_DIR}prometheus.yml`, 'utf8')) as PrometheusYml;
  const jobs = config.scrape_configs.map(({ dns_sd_configs: _dns, static_configs: _static, ...job }) => {
    const target = targets[job.job_name];
    if (target === undefined) throw new Error(`no local target for the scrape job "${job.job_name}" of prometheus.yml`);
    const authorization = job.authorization && { ...job.authorization, credentials_file: credentialsFile };
    return { ...job, ...(authorization && { authorization }), static_configs: [{ targets: [target] }] };
  });
  const global = interval ? { ...config.global, scrape_interval: interval, evaluation_interval: interval } : config.global;
  return stringify({ ...config, global, rule_files: ruleFilesOfPrometheusYml(), scrape_configs: jobs });
}
