import { Topics, type DomainEvent, type Topic } from '@subtrack/contracts';
import { GroupCommit } from './group-commit';

const event = (id: string) => ({ id }) as unknown as DomainEvent;

describe('GroupCommit', () => {
  it('writes the appends of one turn together and answers each caller after that write', async () => {
    const writes: [Topic, string[]][] = [];
    let release!: () => void;
    const log = {
      append: (topic: Topic, events: readonly DomainEvent[]) => {
        writes.push([topic, events.map((e) => e.id)]);
        return new Promise<void>((r) => (release = r));
      },
    };
    const group = new GroupCommit(log);
    const answered: string[] = [];
    const a = group.append(Topics.telegram, [event('a1'), event('a2')]).then(() => answered.push('a'));
    const b = group.append(Topics.telegram, [event('b1')]).then(() => answered.push('b'));
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual([[Topics.telegram, ['a1', 'a2', 'b1']]]);
    expect(answered).toEqual([]);
    release();
    await Promise.all([a, b]);
    expect(answered).toEqual(['a', 'b']);
  });

  it('fails every caller of a failed write, and only those', async () => {
    let fail = true;
    const log = {
      append: async () => {
        if (fail) throw new Error('disk full');
      },
    };
    const group = new GroupCommit(log);
    const first = [group.append(Topics.telegram, [event('x')]), group.append(Topics.telegram, [event('y')])];
    await expect(Promise.all(first)).rejects.toThrow('disk full');
    await expect(first[1]).rejects.toThrow('disk full');
    fail = false;
    await expect(group.append(Topics.telegram, [event('z')])).resolves.toBeUndefined();
  });

  it('answers an empty append at once, without a write', async () => {
    const log = { append: jest.fn(async () => undefined) };
    await new GroupCommit(log).append(Topics.telegram, []);
    expect(log.append).not.toHaveBeenCalled();
  });
});
