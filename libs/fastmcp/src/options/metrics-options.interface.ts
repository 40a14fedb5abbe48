export interface MetricsOptions {
  /** Prefix of every metric name. Default `fastmcp`. */
  namespace?: string;
  /** Add a `client_id` label (bounded by `maxClientIdLabels`). Default false. */
  clientIdLabel?: boolean;
  /**
   * Distinct client ids labelled at most, in `client_id` and in `server`; servers in `servers`
   * always keep theirs, others past the cap are labelled `other`. Default 20.
   */
  maxClientIdLabels?: number;
}
