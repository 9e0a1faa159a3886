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
} from './charts.js';
