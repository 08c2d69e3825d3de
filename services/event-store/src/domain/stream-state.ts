/** What the log knows about one stream besides its events. */
export interface StreamState {
  version: number;
  /** Set while the stream is soft-deleted. */
  deletedAt?: string;
  /** Retention removed every version below this one (0: none removed). */
  truncatedBefore: number;
}
