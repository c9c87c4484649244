/**
 * The `options` frame: on demand, the commands the connection's role may issue now — exactly
 * the engine's `legalCommands` for that role, never another role's, none for observers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legalCommands, type Role } from '../../engine/index.js';
import { OptionsFrame } from '../../server/protocol.js';
import {
  join,
  newSession,
  rawJoined,
  rawSocket,
  startTestServer,
  wire,
  type TestServer,
} from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

describe('options', () => {
  it('lists exactly the legal commands of the role at the committed state', async () => {
    const s = await newSession(t.server, { scenario: 'tutorial', seed: '5' });
    const token = (role: string): string => s.tokens[role] ?? '';
    const white = await join(t.server, token('facilitator'));
    await white.send({ type: 'setControl', team: 'arl', mode: 'human' });
    await white.send({ type: 'start' });
    const state = await t.server.state(s.session);
    const expected = (role: Exclude<Role, 'observer'>): unknown =>
      wire(legalCommands(state ?? (undefined as never), role));

    for (const role of ['facilitator', 'team:arl', 'team:bor', 'team:alliance'] as const) {
      const c = await join(t.server, token(role));
      const f = await c.legalCommands();
      expect(f.seq).toBe(2);
      expect(f.commands).toEqual(expected(role));
      await c.close();
    }
    // A team gets its own options only: Arland (the penholder) may draft, Borealia may not.
    const arl = await join(t.server, token('team:arl'));
    const bor = await join(t.server, token('team:bor'));
    expect((await arl.legalCommands()).commands).toContainEqual({
      type: 'draftResolution',
      chapter: 'VII',
    });
    const borOptions = (await bor.legalCommands()).commands;
    expect(borOptions.some((c) => c.type === 'draftResolution')).toBe(false);
    expect(borOptions.some((c) => c.type === 'advance' || c.type === 'setControl')).toBe(false);

    // After a command, the answer is at the new seq and reflects it.
    await arl.send({ type: 'draftResolution', chapter: 'VII' });
    const after = await arl.legalCommands();
    expect(after.seq).toBe(3);
    expect(after.commands.some((c) => c.type === 'draftResolution')).toBe(false);
    expect(after.commands).toContainEqual({ type: 'castVote', vote: 'yes' });
    for (const c of [white, arl, bor]) await c.close();
  });

  it('gives observers none, and asks for hello first', async () => {
    const s = await newSession(t.server, { scenario: 'tutorial' });
    const observer = await rawJoined(t.server, s.tokens['observer'] ?? '');
    observer.send({ type: 'options' });
    expect(OptionsFrame.parse(await observer.next())).toEqual({
      type: 'options',
      seq: 0,
      commands: [],
    });
    observer.ws.close();

    const stranger = await rawSocket(t.server);
    stranger.send({ type: 'options' });
    expect(await stranger.next()).toMatchObject({ type: 'error', code: 'notJoined' });
    stranger.send({ type: 'options', extra: 1 });
    expect(await stranger.next()).toMatchObject({ type: 'error', code: 'badFrame' });
    stranger.ws.close();
  });
});
