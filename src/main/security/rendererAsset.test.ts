import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../shared/csp';
import { assetHeaders, resolveRendererAsset } from './rendererAsset';

const root = resolve('/srv/renderer');

describe('resolveRendererAsset', () => {
  it('serves index.html for the root and files inside the folder', () => {
    expect(resolveRendererAsset(root, '/')).toEqual({ file: join(root, 'index.html'), contentType: 'text/html; charset=utf-8' });
    expect(resolveRendererAsset(root, '/assets/index-abc.js')?.file).toBe(join(root, 'assets/index-abc.js'));
    expect(resolveRendererAsset(root, '/assets/index-abc.css')?.contentType).toBe('text/css; charset=utf-8');
  });

  it.each([
    '/../secret.html',
    '/assets/../../secret.js',
    '/%2e%2e/secret.js',
    '/..%2fsecret.js',
    '/..%5csecret.js',
    '/assets\\..\\..\\secret.js',
    '/%00.js',
    '/%E0%A4%A.js',
    '/vault.db',
    '/notes.txt',
  ])('refuses %s', (path) => {
    expect(resolveRendererAsset(root, path)).toBeNull();
  });
});

describe('assetHeaders', () => {
  it('carries the strict CSP that forbids every connection in Electron', () => {
    const headers = assetHeaders('text/html', contentSecurityPolicy());
    expect(headers['content-security-policy']).toContain("connect-src 'none'");
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(headers['x-content-type-options']).toBe('nosniff');
  });
});
