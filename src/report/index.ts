// 'parwasm/report': pictures and charts of results and telemetry. The Mandelbrot PNG needs
// nothing more than parwasm; the charts need its optional peer dependencies (vega, vega-lite,
// @resvg/resvg-js, dejavu-fonts-ttf), loaded when a chart is first rendered.
export { mandelbrotPng, palette, type Rgb } from './png.js';
export {
  binCounts,
  busyByNode,
  busyBySchedule,
  chunkTimeline,
  costHistogram,
  imbalanceByWorkers,
  nodeTimeline,
  renderPng,
  renderSvg,
  rowCostScatter,
  type Bin,
  type ChartSpec,
} from './charts.js';
export { writeStudyReport, studyMarkdown } from './write-study.js';
export { writeClusterStudyReport } from './write-cluster-study.js';
export { MissingDependencyError } from './missing-dependency.js';
