// Every Redis key and BullMQ queue name parwasm uses, in one place. All start with the
// cluster's prefix, so one Redis can serve other applications (or other parwasm clusters,
// each with its own prefix).

export const PREFIX = 'parwasm';

/** The queue every node pulls from (`dynamic`), and each node's own queue (`static`, hello). */
/** BullMQ's prefix for the queues' own keys. */
export const QUEUE_PREFIX = `${PREFIX}:q`;

export const DYNAMIC_QUEUE = 'dynamic';
export const nodeQueue = (node: string): string => `node.${node}`;

/** A node's registration: expires unless the node renews it (its heartbeat). */
export const nodeKey = (node: string): string => `${PREFIX}:node:${node}`;
export const NODE_KEY_PATTERN = `${PREFIX}:node:*`;

/** Channel on which clients announce operations that ended: nodes stop their jobs. */
export const ENDED_CHANNEL = `${PREFIX}:ended`;

/** An operation's keys: its inputs (written once), and the list its results arrive on. */
export const inputKey = (op: string, name: string): string => `${PREFIX}:op:${op}:in:${name}`;
export const resultsKey = (op: string): string => `${PREFIX}:op:${op}:results`;
/** Exists while the operation runs: a node pushes a result only while it does. */
export const liveKey = (op: string): string => `${PREFIX}:op:${op}:live`;
export const opKeyPattern = (op: string): string => `${PREFIX}:op:${op}:*`;
