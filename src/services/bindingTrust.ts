/**
 * Which `oss://` bindings may act without asking. A workspace file, a link or another extension
 * can name any profile and bucket (`oss://bucket/?{"profile":"cli:prod"}`), and opening it would
 * send requests signed with that profile to that bucket, whose owner's access log then holds the
 * user's AccessKey ID. So:
 * - bindings this extension creates carry a MAC (HMAC-SHA256 over bucket and profile, with a key
 *   kept in SecretStorage and made on first use); they act as before;
 * - any other binding is asked about once, naming the real profile and the bucket;
 * - in Restricted Mode every `oss:` request (ours and unbound ones too) waits for trust or that answer.
 * Answers last for the session: the extension cannot tell which workspace file or link a URI came
 * from, so an answer kept per machine would also admit every later file naming the same pair.
 * RAM documents (`alibabacloud-ram:/…?{"profile":…}`) follow the same rule: the extension signs the
 * ones it opens (over the path and profile); any other is read only after the user allows that
 * profile, never silently with the profile the URI names. A signed one does not wait for trust:
 * unlike `oss://bucket/`, a RAM document cannot be unbound.
 */
import * as vscode from 'vscode';
import type { Log } from '../ui/log';
import type { Prompter } from '../ui/prompt';
import type { LiveBinding } from './liveBinding';
import type { ProfileStore } from './profiles';

/** What it needs of the services (not `Services` itself, which holds it). */
export interface BindingTrustDeps {
  readonly context: vscode.ExtensionContext;
  readonly profiles: ProfileStore;
  readonly prompt: Prompter;
  readonly log: Log;
}

// A require(): node:crypto loads with the first oss: request, not during activation.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crypto = () => require('node:crypto') as typeof import('node:crypto');

const KEY_SECRET = 'alibabaCloud.ossBindingKey';

/** `scope` says what the binding is for (`oss\n<bucket>`, `ram\n<path>`); oss:// MACs predate RAM ones. */
const mac = (k: Buffer, scope: string, profileId: string) =>
  crypto().createHmac('sha256', k).update(`${scope}\n${profileId}`).digest('base64url');
const ossScope = (bucket: string) => `oss\n${bucket}`;
const ramScope = (path: string) => `ram\n${path}`;

/** What a binding would act on, and how the question and the refusal name it. */
interface Place {
  scope: string;
  /** Answers are kept per profile and this (a bucket; one for all RAM documents of a profile). */
  answerKey: string;
  question(profile: string): string;
  detail(profile: string, profileId: string): string;
  refused(profileId: string): string;
  /**
   * Whether this extension's own bindings wait for workspace trust too: `oss://bucket/` without a
   * binding (what a workspace file lists) uses the active profile, so in Restricted Mode it waits.
   * A RAM document always names its profile, so a signed one is ours alone.
   */
  ownWaitForTrust: boolean;
}

const ossPlace = (bucket: string): Place => ({
  scope: ossScope(bucket),
  answerKey: `oss://${bucket}/`,
  question: (profile) => vscode.l10n.t('Use profile {0} on bucket {1}?', profile, bucket),
  detail: (profile, profileId) =>
    vscode.l10n.t(
      'A workspace file, link or other extension opened oss://{0}/ with profile {1} ({2}); this extension did not create that binding. Allowing it sends requests signed with that profile to that bucket, whose owner can see your AccessKey ID. Nothing has been sent yet.',
      bucket,
      profile,
      profileId,
    ),
  refused: (profileId) => vscode.l10n.t('Not read: oss://{0}/ with profile {1} was not allowed.', bucket, profileId),
  ownWaitForTrust: true,
});

const ramPlace = (path: string): Place => ({
  scope: ramScope(path),
  answerKey: 'RAM documents',
  question: (profile) => vscode.l10n.t('Read RAM documents with profile {0}?', profile),
  detail: (profile, profileId) =>
    vscode.l10n.t(
      'A workspace file, link or other extension opened a RAM document with profile {0} ({1}); this extension did not create that link. Allowing it reads roles and policies with that profile for this session. Nothing has been sent yet.',
      profile,
      profileId,
    ),
  refused: (profileId) => vscode.l10n.t('Not read: RAM documents with profile {0} were not allowed.', profileId),
  ownWaitForTrust: false,
});

/** The signing key, this session's answers and the wait for workspace trust; one, owned by Services. */
export class BindingTrust {
  private key: Promise<Buffer> | undefined;
  /** Per profile and bucket, this session's answer (or the question still open). */
  private readonly answers = new Map<string, Promise<boolean>>();
  private granted: Promise<true> | undefined;

  constructor(private readonly s: BindingTrustDeps) {}

  /** The signing key: from SecretStorage, created there on first use. */
  private bindingKey(): Promise<Buffer> {
    const secrets = this.s.context.secrets;
    this.key ??= (async () => {
      const stored = await secrets.get(KEY_SECRET);
      if (stored) {
        return Buffer.from(stored, 'base64');
      }
      const fresh = crypto().randomBytes(32);
      await secrets.store(KEY_SECRET, fresh.toString('base64'));
      return fresh;
    })().catch((e: unknown) => {
      this.key = undefined;
      throw e;
    });
    return this.key;
  }

  /** The query of an `oss://bucket/…` URI this extension creates: the binding and its MAC. */
  async signedQuery(b: LiveBinding, bucket: string): Promise<string> {
    return this.signed(b, ossScope(bucket));
  }

  /** The query of an `alibabacloud-ram:` URI this extension creates, for the document at `path`. */
  async signedRamQuery(b: LiveBinding, path: string): Promise<string> {
    return this.signed(b, ramScope(path));
  }

  private async signed(b: LiveBinding, scope: string): Promise<string> {
    return JSON.stringify({
      profile: b.profileId,
      name: b.profileName,
      sig: mac(await this.bindingKey(), scope, b.profileId),
    });
  }

  private async isSigned(uri: vscode.Uri, b: LiveBinding, scope: string): Promise<boolean> {
    let sig: unknown;
    try {
      sig = (JSON.parse(uri.query) as { sig?: unknown }).sig;
    } catch {
      return false;
    }
    if (typeof sig !== 'string') {
      return false;
    }
    const want = Buffer.from(mac(await this.bindingKey(), scope, b.profileId));
    const given = Buffer.from(sig);
    return given.length === want.length && crypto().timingSafeEqual(given, want);
  }

  private ask(place: Place, profileId: string): Promise<boolean> {
    const s = this.s;
    const id = JSON.stringify([profileId, place.answerKey]);
    let answer = this.answers.get(id);
    if (!answer) {
      const name = s.profiles.list().find((p) => p.id === profileId)?.name ?? profileId;
      const allow = vscode.l10n.t('Allow for This Session');
      answer = s.prompt.choose(place.question(name), place.detail(name, profileId), [allow]).then(
        (c) => c === allow,
        () => false,
      );
      this.answers.set(id, answer);
      void answer.then((yes) =>
        s.log.info(
          `binding of ${place.answerKey} to profile ${profileId} ${yes ? 'allowed' : 'refused'} for this session`,
        ),
      );
    }
    return answer;
  }

  private trusted(): Promise<true> {
    this.granted ??= new Promise<true>((resolve) => {
      const sub = vscode.workspace.onDidGrantWorkspaceTrust(() => {
        sub.dispose();
        resolve(true);
      });
    });
    return this.granted;
  }

  /**
   * Resolves when requests for `uri` may go out with `binding` (undefined: the active profile);
   * throws NoPermissions when the user said no. Nothing is sent before it resolves.
   */
  admit(uri: vscode.Uri, binding: LiveBinding | undefined): Promise<void> {
    return this.decide(ossPlace(uri.authority), uri, binding);
  }

  /** The same for a RAM document (`alibabacloud-ram:`), which always names its profile. */
  admitRam(uri: vscode.Uri, binding: LiveBinding): Promise<void> {
    return this.decide(ramPlace(uri.path), uri, binding);
  }

  private async decide(place: Place, uri: vscode.Uri, binding: LiveBinding | undefined): Promise<void> {
    const s = this.s;
    const own = !binding || (await this.isSigned(uri, binding, place.scope));
    if (own && (vscode.workspace.isTrusted || !place.ownWaitForTrust)) {
      return;
    }
    const profileId = binding?.profileId ?? s.profiles.active()?.id;
    // No such profile: resolving the binding fails next, before any request.
    if (!profileId || !s.profiles.list().some((p) => p.id === profileId)) {
      return;
    }
    const question = this.ask(place, profileId);
    const yes = own ? await Promise.race([this.trusted(), question]) : await question;
    if (!yes) {
      throw vscode.FileSystemError.NoPermissions(place.refused(profileId));
    }
  }
}
