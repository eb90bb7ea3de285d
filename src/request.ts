import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  ICandidateDetail,
  ICheck,
  IRun,
  IStreamEvent,
  parseEventStream,
  reconnectDelay
} from './model';

/**
 * The reply of `GET <base_url>/parevo-lab/status`.
 */
export interface IServerStatus {
  name: string;
  version: string;
  ok: boolean;
  max_jobs: number;
  running: number;
  queued: number;
  defaults: {
    generator: string;
    budget: number;
    threads: number[];
  };
}

/** What "Evolve this cell" sends (POST runs). */
export interface IRunRequest {
  task: string;
  name?: string;
  generator?: string;
  budget?: number;
  threads?: number[];
  base_url?: string;
  model?: string;
  notebook?: string;
  cell_id?: string;
}

/** What "Check this cell" sends (POST checks). */
export interface ICheckRequest {
  task: string;
  candidate: string;
  function?: string;
  threads?: number[];
  notebook?: string;
  cell_id?: string;
}

/**
 * Call a route of the parevo_lab server extension.
 *
 * `ServerConnection.makeRequest` adds the token and XSRF headers, so the
 * handlers can stay behind `@tornado.web.authenticated`.
 */
export async function requestAPI<T>(
  endPoint: string,
  settings: ServerConnection.ISettings,
  init: RequestInit = {}
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, 'parevo-lab', endPoint);

  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }

  const text = await response.text();
  let data: any = text;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      // Not JSON (e.g. a proxy's HTML error page): keep the raw text.
    }
  }

  if (!response.ok) {
    throw new ServerConnection.ResponseError(response, data?.message ?? data);
  }
  return data as T;
}

function post<T>(
  endPoint: string,
  settings: ServerConnection.ISettings,
  body: unknown = {}
): Promise<T> {
  return requestAPI<T>(endPoint, settings, {
    method: 'POST',
    body: JSON.stringify(body)
  });
}

/**
 * The REST API of the server extension, one method per route.
 */
export class ParevoAPI {
  constructor(readonly settings: ServerConnection.ISettings) {}

  status(): Promise<IServerStatus> {
    return requestAPI<IServerStatus>('status', this.settings);
  }

  runs(): Promise<IRun[]> {
    return requestAPI<{ runs: IRun[] }>('runs', this.settings).then(
      r => r.runs
    );
  }

  run(id: string): Promise<IRun> {
    return requestAPI<IRun>(`runs/${id}`, this.settings);
  }

  startRun(request: IRunRequest): Promise<IRun> {
    return post<IRun>('runs', this.settings, request);
  }

  stopRun(id: string): Promise<IRun> {
    return post<IRun>(`runs/${id}/stop`, this.settings);
  }

  resumeRun(id: string, budget?: number): Promise<IRun> {
    return post<IRun>(
      `runs/${id}/resume`,
      this.settings,
      budget ? { budget } : {}
    );
  }

  candidate(run: string, member: number): Promise<ICandidateDetail> {
    return requestAPI<ICandidateDetail>(
      `runs/${run}/candidates/${member}`,
      this.settings
    );
  }

  useAsParent(run: string, member: number): Promise<IRun> {
    return post<IRun>(
      `runs/${run}/candidates/${member}/parent`,
      this.settings,
      {
        resume: true
      }
    );
  }

  addCandidate(
    run: string,
    source: string,
    fn = 'kernel'
  ): Promise<{ id: number }> {
    return post<{ id: number }>(`runs/${run}/candidates`, this.settings, {
      source,
      function: fn
    });
  }

  startCheck(request: ICheckRequest): Promise<ICheck> {
    return post<ICheck>('checks', this.settings, request);
  }

  check(id: string): Promise<ICheck> {
    return requestAPI<ICheck>(`checks/${id}`, this.settings);
  }
}

/**
 * Follow a run's event stream (server-sent events read through fetch, so the token and XSRF
 * headers go along). The history is replayed first; after a network error or a server restart it
 * reconnects with backoff, sending the last event id so that nothing is sent twice.
 */
export class EventFollower {
  constructor(
    private _settings: ServerConnection.ISettings,
    private _runId: string,
    private _onEvent: (event: IStreamEvent) => void,
    private _onConnection: (connected: boolean, detail: string) => void
  ) {}

  lastEventId: string | null = null;

  start(): void {
    this._stopped = false;
    void this._loop();
  }

  stop(): void {
    this._stopped = true;
    this._abort?.abort();
  }

  private async _loop(): Promise<void> {
    let attempt = 0;
    while (!this._stopped) {
      try {
        await this._follow();
        attempt = 0;
      } catch (error) {
        if (this._stopped) {
          return;
        }
        const wait = reconnectDelay(attempt++);
        this._onConnection(
          false,
          `lost the ParEVO server (${(error as Error)?.message ?? error}); ` +
            `reconnecting in ${Math.round(wait / 1000)} s`
        );
        await new Promise(resolve => setTimeout(resolve, wait));
      }
    }
  }

  private async _follow(): Promise<void> {
    const url = URLExt.join(
      this._settings.baseUrl,
      'parevo-lab',
      'runs',
      this._runId,
      'events'
    );
    this._abort = new AbortController();
    const headers: Record<string, string> = {};
    if (this.lastEventId) {
      headers['Last-Event-ID'] = this.lastEventId;
    }
    const response = await ServerConnection.makeRequest(
      url,
      { headers, signal: this._abort.signal },
      this._settings
    );
    if (!response.ok || !response.body) {
      throw new Error(`HTTP ${response.status}`);
    }
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
}
