import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { StreamOpener, followUntilDone } from './follow';
import {
  IAudit,
  ICandidateDetail,
  ICheck,
  IExportSummary,
  IRun
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
  /** Evaluations beyond which the panel asks before starting a run. */
  large_budget: number;
}

// The request bodies' types are generated from the server's JSON Schemas (api-schema/, written
// by scripts/api_schema.py from parevo_lab/server/handlers.py; `jlpm build:types`), so the
// Python validation and these types cannot drift.
import type { AuditRequest } from './generated/audit-request';
import type { Cells } from './generated/cells';
import type { CellsRequest } from './generated/cells-request';
import type { CheckRequest } from './generated/check-request';
import type { ExportRequest } from './generated/export-request';
import type { RunRequest } from './generated/run-request';

/** What "Evolve this cell" sends (POST runs). */
export type IRunRequest = RunRequest;

/** What "Check this cell" sends (POST checks). */
export type ICheckRequest = CheckRequest;

/** What "Audit this task" sends (POST audits). */
export type IAuditRequest = AuditRequest;

/** What "Export" sends (POST runs/<id>/export): parevo export's options. */
export type IExportRequest = ExportRequest;

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

  candidate(run: string, candidate: number): Promise<ICandidateDetail> {
    return requestAPI<ICandidateDetail>(
      `runs/${run}/candidates/${candidate}`,
      this.settings
    );
  }

  /** "Export": the run's datasets (sft, preference, repair) and their card. */
  exportRun(id: string, request: IExportRequest = {}): Promise<IExportSummary> {
    return post<IExportSummary>(`runs/${id}/export`, this.settings, request);
  }

  useAsParent(run: string, candidate: number): Promise<IRun> {
    return post<IRun>(
      `runs/${run}/candidates/${candidate}/parent`,
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

  /** Which cell is the task and which function the active cell's kernel is (parsed). */
  cells(cells: string[], active: number): Promise<Cells> {
    const body: CellsRequest = { cells, active };
    return post<Cells>('cells', this.settings, body);
  }

  startCheck(request: ICheckRequest): Promise<ICheck> {
    return post<ICheck>('checks', this.settings, request);
  }

  check(id: string): Promise<ICheck> {
    return requestAPI<ICheck>(`checks/${id}`, this.settings);
  }

  /** Follow a check's event stream; resolves with its last answer once it is done. */
  followCheck(id: string, onUpdate: (check: ICheck) => void): Promise<ICheck> {
    return followUntilDone<ICheck>(
      openEvents(this.settings, 'checks', id),
      onUpdate
    );
  }

  /** Follow an audit's event stream; resolves with its last answer once it is done. */
  followAudit(id: string, onUpdate: (audit: IAudit) => void): Promise<IAudit> {
    return followUntilDone<IAudit>(
      openEvents(this.settings, 'audits', id),
      onUpdate
    );
  }

  startAudit(request: IAuditRequest): Promise<IAudit> {
    return post<IAudit>('audits', this.settings, request);
  }

  audit(id: string): Promise<IAudit> {
    return requestAPI<IAudit>(`audits/${id}`, this.settings);
  }
}

/**
 * Open a run's event stream with the server's settings (token and XSRF headers included).
 */
export function openRunEvents(
  settings: ServerConnection.ISettings,
  runId: string
): StreamOpener {
  return openEvents(settings, 'runs', runId);
}

/** Open the event stream of ``kind/id`` (``runs``, ``checks`` or ``audits``). */
export function openEvents(
  settings: ServerConnection.ISettings,
  kind: 'runs' | 'checks' | 'audits',
  id: string
): StreamOpener {
  const url = URLExt.join(settings.baseUrl, 'parevo-lab', kind, id, 'events');
  return async (lastEventId, signal) => {
    const headers: Record<string, string> = {};
    if (lastEventId) {
      headers['Last-Event-ID'] = lastEventId;
    }
    try {
      return await ServerConnection.makeRequest(
        url,
        { headers, signal },
        settings
      );
    } catch (error) {
      throw new ServerConnection.NetworkError(error as TypeError);
    }
  };
}
