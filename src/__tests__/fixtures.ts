import { ICandidate } from '../model';

/**
 * A candidate row as the server sends it (`schema.CANDIDATE`): correct, 1x at 2 threads,
 * measured; the seed when `id` is 1, else a rules child of #1. `extra` overrides any field.
 */
export function candidateRow(
  id: number,
  extra: Partial<ICandidate> = {}
): ICandidate {
  return {
    id,
    parent_id: id > 1 ? 1 : null,
    origin: id > 1 ? 'rules' : 'seed',
    label: `move ${id}`,
    family: 'prange',
    island: 0,
    created: '',
    verdict: 'ok',
    speedup: 1,
    speedup_low: null,
    threads: 2,
    summary: '',
    tokens: 0,
    cost: 0,
    confirmed: null,
    retimed: null,
    projected: false,
    state: 'evaluated',
    ...extra
  };
}
