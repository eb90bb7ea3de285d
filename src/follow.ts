import { IStreamEvent, parseEventStream, reconnectDelay } from './model';

/** Opens the event stream; the follower passes the last id it saw and an abort signal. */
export type StreamOpener = (
  lastEventId: string | null,
  signal: AbortSignal
) => Promise<Response>;

/**
 * Follow a run's event stream (server-sent events read through fetch, so the token and XSRF
 * headers go along). The history is replayed first; when the server goes away (a network error,
 * a restart, the stream ending) it says so and reconnects with backoff, sending the last event id
 * so that nothing is sent twice.
 */
export class EventFollower {
  constructor(
    private _open: StreamOpener,
    private _onEvent: (event: IStreamEvent) => void,
    private _onConnection: (connected: boolean, detail: string) => void,
    private _delay: (attempt: number) => number = reconnectDelay
  ) {}

  lastEventId: string | null = null;

  start(): void {
    this._stopped = false;
    this._done = this._loop();
  }

  /** Resolves when the follower has stopped. */
  get done(): Promise<void> {
    return this._done;
  }

  stop(): void {
    this._stopped = true;
    this._abort?.abort();
  }

  private async _loop(): Promise<void> {
    let attempt = 0;
    while (!this._stopped) {
      try {
        await this._follow(() => {
          attempt = 0;
        });
      } catch (error) {
        if (this._stopped) {
          return;
        }
        const wait = this._delay(attempt++);
        this._onConnection(
          false,
          `lost the ParEVO server (${(error as Error)?.message ?? error}); ` +
            `reconnecting in ${Math.round(wait / 1000)} s`
        );
        await new Promise(resolve => setTimeout(resolve, wait));
      }
    }
  }

  private async _follow(connected: () => void): Promise<void> {
    this._abort = new AbortController();
    const response = await this._open(this.lastEventId, this._abort.signal);
    if (!response.ok || !response.body) {
      throw new Error(`HTTP ${response.status}`);
    }
    connected();
    this._onConnection(true, '');
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        throw new Error('the event stream ended');
      }
      buffer += decoder.decode(value, { stream: true });
      const parsed = parseEventStream(buffer);
      buffer = parsed.rest;
      for (const event of parsed.events) {
        this.lastEventId = event.id || this.lastEventId;
        this._onEvent(event);
      }
    }
  }

  private _stopped = true;
  private _abort: AbortController | null = null;
  private _done: Promise<void> = Promise.resolve();
}

/**
 * Follow the events of a check or an audit (one per change of its answer, over the same stream
 * as a run's, reconnecting if the server goes away) until it is no longer queued or running;
 * resolves with its last answer.
 */
export function followUntilDone<T extends { status: string }>(
  open: StreamOpener,
  onUpdate: (job: T) => void,
  delay: (attempt: number) => number = reconnectDelay
): Promise<T> {
  return new Promise<T>(resolve => {
    const follower: EventFollower = new EventFollower(
      open,
      event => {
        const job = event.data as T;
        onUpdate(job);
        if (job.status !== 'queued' && job.status !== 'running') {
          follower.stop();
          resolve(job);
        }
      },
      () => undefined,
      delay
    );
    follower.start();
  });
}
