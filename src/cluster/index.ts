// parwasm/cluster: the same operations as a local pool, on nodes that serve them from Redis
// with BullMQ. Needs the optional packages bullmq and ioredis (npm install bullmq ioredis).
export { connectCluster, Cluster } from './client.js';
export type { ClusterOptions, ClusterHelloReply } from './client.js';
export { startNode } from './node.js';
export type { ClusterNode, NodeOptions } from './node.js';
export type { NodeInfo } from './registry.js';
export type {
  ClusterMandelbrotOptions,
  ClusterMandelbrotResult,
  ClusterMatmulResult,
  ClusterWordCountResult,
} from './ops.js';
export type { ClusterRunOptions } from './run-options.js';
export type { ClusterStats, NodeStats, JobRecord } from './stats.js';
export { NodeLostError, RedisUnavailableError } from './errors.js';
export { LOCK_DURATION_MS, STALLED_INTERVAL_MS, MAX_STALLED_COUNT } from './settings.js';
export { studyClusterMandelbrot } from '../report/cluster-study.js';
export type { ClusterStudy, ClusterStudyOptions, ClusterStudyRun } from '../report/cluster-study.js';
