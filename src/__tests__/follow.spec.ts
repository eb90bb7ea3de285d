import { EventFollower, followUntilDone } from '../follow';

/** A fetch Response stand-in: the body yields these chunks, then ends (or hangs). */
function stream(chunks: string[], hang = false): Response {
  const encoder = new TextEncoder();
  let i = 0;
  return {
    ok: true,
    status: 200,
    body: {
      getReader: () => ({
        read: () =>
          i < chunks.length
            ? Promise.resolve({
                done: false,
                value: encoder.encode(chunks[i++])
              })
            : hang
              ? new Promise(() => undefined)
              : Promise.resolve({ done: true, value: undefined })
      })
    }
  } as unknown as Response;
}

const event = (n: number) =>
  `id: e:${n}\nevent: candidate\ndata: {"id": ${n}}\n\n`;

describe('EventFollower', () => {
  it('says when the server goes away, reconnects, and resumes after the last event', async () => {
    const asked: (string | null)[] = [];
    const connection: [boolean, string][] = [];
    const seen: number[] = [];
    let finish: () => void = () => undefined;
    const third = new Promise<void>(resolve => (finish = resolve));
    const replies = [
      () => Promise.reject(new Error('connection refused')),
      () =>
        Promise.resolve(
          stream([event(1), event(2).slice(0, 10), event(2).slice(10)])
        ),
      () =>
        Promise.resolve({
          ok: false,
          status: 502,
          body: null
        } as unknown as Response),
      () => {
        finish();
        return Promise.resolve(stream([event(3)], true));
      }
    ];
    const follower = new EventFollower(
      (last, signal) => {
        asked.push(last);
        return replies[asked.length - 1]();
      },
      e => seen.push(e.data.id),
      (connected, detail) => connection.push([connected, detail]),
      () => 0
    );
    follower.start();
    await third;
    await new Promise(resolve => setTimeout(resolve, 10));
    follower.stop();

    expect(seen).toEqual([1, 2, 3]);
    expect(asked).toEqual([null, null, 'e:2', 'e:2']);
    expect(connection.map(c => c[0])).toEqual([
      false,
      true,
      false,
      false,
      true
    ]);
    expect(connection[0][1]).toBe(
      'lost the ParEVO server (connection refused); reconnecting in 0 s'
    );
    expect(connection[2][1]).toContain('the event stream ended');
    expect(connection[3][1]).toContain('HTTP 502');
    expect(follower.lastEventId).toBe('e:3');
  });

  it('stops without reconnecting', async () => {
    let opened = 0;
    const follower = new EventFollower(
      () => {
        opened++;
        return Promise.reject(new Error('down'));
      },
      () => undefined,
      () => undefined,
      () => 5
    );
    follower.start();
    follower.stop();
    await follower.done;
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(opened).toBe(1);
  });
});

describe('followUntilDone', () => {
  it("follows a check's answers across a lost connection and stops when it is done", async () => {
    const answer = (n: number, status: string) =>
      `id: e:${n}\nevent: check\ndata: {"id": "c", "status": "${status}"}\n\n`;
    const asked: (string | null)[] = [];
    const replies = [
      () =>
        Promise.resolve(stream([answer(1, 'queued'), answer(2, 'running')])),
      () => Promise.resolve(stream([answer(3, 'done')], true))
    ];
    const seen: string[] = [];
    const last = await followUntilDone<{ status: string }>(
      last => {
        asked.push(last);
        return replies[asked.length - 1]();
      },
      job => seen.push(job.status),
      () => 0
    );
    expect(seen).toEqual(['queued', 'running', 'done']);
    expect(last.status).toBe('done');
    expect(asked).toEqual([null, 'e:2']); // resumed after the last answer seen
  });
});
