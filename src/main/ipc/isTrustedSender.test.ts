import { describe, expect, it } from 'vitest';
import { isTrustedSender } from './isTrustedSender';

const policy = { windowContentsId: () => 7, allowedOrigins: ['app://custodian'] };

describe('isTrustedSender', () => {
  it('accepts the top frame of our window on app://custodian', () => {
    expect(isTrustedSender({ sender: { id: 7 }, senderFrame: { url: 'app://custodian/index.html', parent: null } }, policy)).toBe(true);
  });

  it.each([
    ['a sub-frame', { sender: { id: 7 }, senderFrame: { url: 'app://custodian/index.html', parent: {} } }],
    ['another window', { sender: { id: 8 }, senderFrame: { url: 'app://custodian/index.html', parent: null } }],
    ['a destroyed frame', { sender: { id: 7 }, senderFrame: null }],
    ['a remote page', { sender: { id: 7 }, senderFrame: { url: 'https://example.com/', parent: null } }],
    ['a look-alike host', { sender: { id: 7 }, senderFrame: { url: 'app://custodian.example/', parent: null } }],
    ['a file URL', { sender: { id: 7 }, senderFrame: { url: 'file:///tmp/index.html', parent: null } }],
    ['a malformed URL', { sender: { id: 7 }, senderFrame: { url: 'not a url', parent: null } }],
  ])('refuses %s', (_name, event) => {
    expect(isTrustedSender(event, policy)).toBe(false);
  });

  it('accepts the dev server only when the policy lists it', () => {
    const event = { sender: { id: 7 }, senderFrame: { url: 'http://localhost:5173/', parent: null } };
    expect(isTrustedSender(event, policy)).toBe(false);
    expect(isTrustedSender(event, { ...policy, allowedOrigins: ['app://custodian', 'http://localhost:5173'] })).toBe(true);
  });

  it('refuses everything before the window exists', () => {
    const event = { sender: { id: 7 }, senderFrame: { url: 'app://custodian/index.html', parent: null } };
    expect(isTrustedSender(event, { ...policy, windowContentsId: () => undefined })).toBe(false);
  });
});
