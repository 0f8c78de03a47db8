// How often a campaign's page reads the campaign and its recipients again. While the live
// socket is open its progress is pushed (src/live/campaigns.ts) and the poll is only the
// fallback for what a snapshot does not carry; without the socket the poll is the progress.
import type { LiveStatus } from "../../live/client";
import { REFRESH_MS } from "./queries";

/** The poll while the socket is open: the recipients' table and a missed event catch up. */
export const LIVE_REFRESH_MS = 15_000;

/** The refetch interval of a campaign that is `sending` (or may still move), or false. */
export function refreshInterval(sending: boolean, socket: LiveStatus): number | false {
  if (!sending) return false;
  return socket === "open" ? LIVE_REFRESH_MS : REFRESH_MS;
}
