/**
 * Envoy's 503 (and so Istio's) for an upstream that reset a request it had already been sent:
 * "upstream connect error or disconnect/reset before headers. reset reason: connection
 * termination". The server may have run it, though a 503 otherwise counts as a refusal
 * (`notDeliveredStatusCodes`). The reasons of a request never sent ("connection failure",
 * "connection timeout", "overflow", a "refused stream reset") do not match.
 */
const RESET_AFTER_SENDING =
  /disconnect\/reset before headers\..*reset reason: (connection termination|remote reset|local reset|protocol error)/is;

/** Whether an HTTP error answer says a gateway's upstream reset the request after it was sent. */
export function saysResetAfterSending(status: number, body: string): boolean {
  return status === 503 && RESET_AFTER_SENDING.test(body.slice(0, 4096));
}
