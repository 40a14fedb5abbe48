/**
 * Redis Cluster's refusals of a command it did not run (its slot is moving or unserved), as is or
 * as ioredis reports them once it stops following them ("Too many Cluster redirections. Last
 * error: ReplyError: TRYAGAIN ...").
 */
const CLUSTER_REFUSAL =
  /^(?:Too many Cluster redirections\. Last error: (?:ReplyError: )?)?(?:TRYAGAIN|ASK|MOVED|CLUSTERDOWN) /;

/** Whether `error` (or an error it wraps) is a cluster's refusal to run the command. */
export function isClusterRefusal(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (CLUSTER_REFUSAL.test(cause.message)) return true;
  }
  return false;
}
