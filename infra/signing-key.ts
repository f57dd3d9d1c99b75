/**
 * The deployment's audit signing key (Ed25519, node:crypto): read from the configured file, or created there on first
 * use — private key readable by its owner only (0600), public key beside it to publish. Created with an exclusive
 * open, so two exports starting together never leave two keys.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AuditError } from '../domain/audit/errors';
import { keyFingerprint } from '../domain/audit/package';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  fingerprint: string;
  /** True when this call created the key. */
  created: boolean;
  path: string;
}

export function publicKeyPathOf(path: string): string {
  return path.replace(/(\.pem)?$/, '.pub.pem');
}

export function loadOrCreateSigningKey(path: string): SigningKey {
  let created = false;
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600); // whatever the umask
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(path));
  } catch (error) {
    throw new AuditError(
      'SIGNING_KEY_UNREADABLE',
      `无法读取审计签名密钥 ${path}（${(error as Error).message}）：请检查 AUDIT_SIGNING_KEY 所指的文件`,
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new AuditError('SIGNING_KEY_UNREADABLE', `审计签名密钥 ${path} 不是 Ed25519 密钥`);
  }
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new AuditError(
      'SIGNING_KEY_UNREADABLE',
      `审计签名密钥 ${path} 的权限过宽（其他用户可读）：请执行 chmod 600 ${path}`,
    );
  }
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const pubPath = publicKeyPathOf(path);
  if (!existsSync(pubPath)) writeFileSync(pubPath, publicKeyPem, { mode: 0o644 });
  return { privateKey, publicKey, publicKeyPem, fingerprint: keyFingerprint(publicKey), created, path };
}
