// 'parwasm/report': pictures and charts of results and telemetry.
export { mandelbrotPng, palette, type Rgb } from './png.js';
export {
  binCounts,
  busyBySchedule,
  chunkTimeline,
  costHistogram,
  imbalanceByWorkers,
  renderPng,
  renderSvg,
  rowCostScatter,
  type Bin,
  type ChartSpec,
} from './charts.js';
export { writeStudyReport, studyMarkdown } from './write-study.js';
