/** The public API of loadtest/: scenario, thresholds, metrics, commands, reports, exit codes, ramp-to-break. */
export { parseDuration, tryParseDuration, formatDuration, DURATION_HELP } from './scenario/duration.js';
export { ScenarioFileSchema, type ScenarioFile } from './scenario/schema.js';
export { parseScenario, type LoadScenario, type Stage, type BrokerTarget, type RampToBreakSettings } from './scenario/scenario.js';
export { parseScenarioText, loadScenarioFile } from './scenario/load.js';
export { planStages, type StagePlan, type StagePoint } from './scenario/stages.js';
export { rampLevels, rampToBreakStages } from './scenario/ramp-stages.js';
export { parseThreshold, compare, OPS, type Op, type ThresholdExpr } from './thresholds/parse.js';
export { metricCatalogue, STATS, type MetricName, type Stat } from './thresholds/catalogue.js';
export {
  evaluateThreshold,
  evaluateThresholds,
  abortingThreshold,
  metricValue,
  formatObserved,
  type ThresholdSpec,
  type ThresholdResult,
} from './thresholds/evaluate.js';
export { Histogram, type SerializedHistogram } from '../core/histogram.js';
export { subtractHistogram } from './metrics/histogram-diff.js';
export { SeqTracker, mergeSeqSnapshots, type SeqSnapshot } from './metrics/seq-tracker.js';
export {
  MetricsCollector,
  mergeCollectorSnapshots,
  type CollectorSnapshot,
  type BucketSnapshot,
  type LatencySeries,
  COMMAND_OUTCOMES,
  type CommandOutcome,
} from './metrics/collector.js';
export { CommandTracker, type CommandSink, type NextCommand } from './commands/tracker.js';
export { commandsDue } from './commands/pacing.js';
export { summarize, timelineOf, trendOf, type MetricsSummary, type TimelinePoint, type TrendSummary } from './metrics/summary.js';
export { startRampToBreak, levelMeasured, type RampAction, type RampState, type RampLevel } from './ramp-to-break.js';
export {
  exitCodeOf,
  combineExitCodes,
  EXIT_OK,
  EXIT_RUNTIME_ERROR,
  EXIT_BAD_SCENARIO,
  EXIT_THRESHOLDS_FAILED,
  type RunOutcome,
} from './exit-code.js';
export { JsonReportSchema, REPORT_SCHEMA_VERSION, type JsonReport } from './report/schema.js';
export { buildReport, readReport, reportProblems, stringifyReport, type ReportInput } from './report/json.js';
export { summaryTable } from './report/summary-table.js';
export { htmlReport } from './report/html.js';
export { comparisonTable, comparisonHtml, comparisonRows } from './report/compare.js';
export { liveStatusOf, statusLine, liveView, type LiveStatus } from './report/live.js';
export { lineChart, niceTicks, type ChartOptions, type Series } from './report/svg-chart.js';
