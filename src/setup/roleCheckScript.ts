/**
 * The script "Verify Role on Instance" runs through Cloud Assistant: step 3 of the documented
 * set-up done on the instance. It reads the role's credentials from the metadata service in
 * hardened mode (token first), then signs one OSS ListObjects (max-keys=1) for the chosen bucket
 * with them, and prints only `key=value` lines: the role name, the expiry, the credentials' Code
 * and how listing went. The AccessKey secret and the security token stay in shell variables; no
 * line ever prints them (a test checks both variants), and the parser reads known keys only.
 *
 * POSIX sh with curl and openssl (on every public Linux image); PowerShell 5.1+ for Windows.
 * The OSS request is signed with the V1 scheme (HMAC-SHA1 over VERB, Date, the x-oss-security-token
 * header and /bucket/), which needs nothing but openssl; OSS "Signature version 1" documentation.
 */

/** First line of both variants; the sandbox's agent recognises the script by it. */
export const ROLE_CHECK_MARKER = 'alibabaCloud.verifyRole v1';

export interface RoleCheckOptions {
  /** Bucket to list (max-keys=1); none: skip the OSS part. */
  bucket?: string;
  /** The bucket's region, for the internal endpoint oss-<region>-internal.aliyuncs.com. */
  bucketRegion?: string;
  /** The metadata service; only tests change it (the instance always has 100.100.100.200). */
  metadataBase?: string;
  /** Where to send the OSS request instead of https://<bucket>.oss-<region>-internal.aliyuncs.com (tests). */
  ossUrl?: string;
}

/** Single-quoted for sh (and PowerShell, which quotes the same way but doubles ' inside). */
const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const psQuote = (s: string) => `'${s.replace(/'/g, "''")}'`;

const SAFE_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const SAFE_REGION = /^[a-z0-9-]{1,40}$/;

function settings(o: RoleCheckOptions): { bucket: string; region: string; md: string; ossUrl: string } {
  // Bucket and region come from pickers, but they end up in a script: refuse anything unexpected.
  const bucket = o.bucket ?? '';
  if (bucket && !SAFE_BUCKET.test(bucket)) {
    throw new Error(`not a bucket name: ${bucket}`);
  }
  const region = o.bucketRegion ?? '';
  if (region && !SAFE_REGION.test(region)) {
    throw new Error(`not a region id: ${region}`);
  }
  return { bucket, region, md: o.metadataBase ?? 'http://100.100.100.200', ossUrl: o.ossUrl ?? '' };
}

export function shellRoleCheck(o: RoleCheckOptions = {}): string {
  const s = settings(o);
  return `#!/bin/sh
# ${ROLE_CHECK_MARKER}: prints the instance role's name, expiry and whether listing a bucket works.
# It never prints the AccessKey secret or the security token.
BUCKET=${shQuote(s.bucket)}
REGION=${shQuote(s.region)}
MD=${shQuote(s.md)}
OSS_URL=${shQuote(s.ossUrl)}
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
TOKEN=$(curl -s -f -m 5 -X PUT "$MD/latest/api/token" -H 'X-aliyun-ecs-metadata-token-ttl-seconds: 60') || TOKEN=''
if [ -z "$TOKEN" ]; then echo 'imds=unreachable'; echo 'done=1'; exit 0; fi
echo 'imds=hardened'
H="X-aliyun-ecs-metadata-token: $TOKEN"
code=$(curl -s -m 5 -o "$T/role" -w '%{http_code}' -H "$H" "$MD/latest/meta-data/ram/security-credentials/")
if [ "$code" != 200 ]; then echo 'role=none'; echo "roleStatus=$code"; echo 'done=1'; exit 0; fi
ROLE=$(head -n 1 "$T/role" | tr -d '\\r')
echo "role=$ROLE"
code=$(curl -s -m 5 -o "$T/cred" -w '%{http_code}' -H "$H" "$MD/latest/meta-data/ram/security-credentials/$ROLE")
if [ "$code" != 200 ]; then echo "credentialsStatus=$code"; echo 'done=1'; exit 0; fi
field() { sed -n "s/.*\\"$1\\" *: *\\"\\([^\\"]*\\)\\".*/\\1/p" "$T/cred" | head -n 1; }
echo "expiration=$(field Expiration)"
echo "code=$(field Code)"
if [ -n "$BUCKET" ]; then
  echo "bucket=$BUCKET"
  AK=$(field AccessKeyId); SK=$(field AccessKeySecret); ST=$(field SecurityToken)
  HOST="$BUCKET.oss-$REGION-internal.aliyuncs.com"
  [ -n "$OSS_URL" ] || OSS_URL="https://$HOST"
  DATE=$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')
  SIG=$(printf 'GET\\n\\n\\n%s\\nx-oss-security-token:%s\\n/%s/' "$DATE" "$ST" "$BUCKET" | openssl dgst -sha1 -hmac "$SK" -binary | openssl base64 -A)
  code=$(curl -s -m 10 -o "$T/list" -w '%{http_code}' -H "Host: $HOST" -H "Date: $DATE" -H "x-oss-security-token: $ST" -H "Authorization: OSS $AK:$SIG" "$OSS_URL/?max-keys=1")
  if [ "$code" = 200 ]; then echo 'list=ok';
  elif [ "$code" = 000 ]; then echo 'list=unreachable';
  else echo "list=refused"; echo "listStatus=$code"; echo "listCode=$(sed -n 's:.*<Code>\\([A-Za-z.]*\\)</Code>.*:\\1:p' "$T/list" | head -n 1)"; fi
fi
echo 'done=1'
`;
}

export function powerShellRoleCheck(o: RoleCheckOptions = {}): string {
  const s = settings(o);
  return `# ${ROLE_CHECK_MARKER}: prints the instance role's name, expiry and whether listing a bucket works.
# It never prints the AccessKey secret or the security token.
$Bucket = ${psQuote(s.bucket)}
$Region = ${psQuote(s.region)}
$Md = ${psQuote(s.md)}
$OssUrl = ${psQuote(s.ossUrl)}
$ErrorActionPreference = 'Stop'
function StatusOf($e) { if ($e.Exception.Response) { [int]$e.Exception.Response.StatusCode } else { 0 } }
try { $Token = Invoke-RestMethod -UseBasicParsing -Method Put -Uri "$Md/latest/api/token" -Headers @{ 'X-aliyun-ecs-metadata-token-ttl-seconds' = '60' } -TimeoutSec 5 }
catch { 'imds=unreachable'; 'done=1'; exit 0 }
'imds=hardened'
$H = @{ 'X-aliyun-ecs-metadata-token' = $Token }
try { $Role = ((Invoke-WebRequest -UseBasicParsing -Uri "$Md/latest/meta-data/ram/security-credentials/" -Headers $H -TimeoutSec 5).Content -split "\`n")[0].Trim() }
catch { 'role=none'; "roleStatus=$(StatusOf $_)"; 'done=1'; exit 0 }
"role=$Role"
try { $C = Invoke-RestMethod -UseBasicParsing -Uri "$Md/latest/meta-data/ram/security-credentials/$Role" -Headers $H -TimeoutSec 5 }
catch { "credentialsStatus=$(StatusOf $_)"; 'done=1'; exit 0 }
"expiration=$($C.Expiration)"
"code=$($C.Code)"
if ($Bucket) {
  "bucket=$Bucket"
  $HostName = "$Bucket.oss-$Region-internal.aliyuncs.com"
  if (-not $OssUrl) { $OssUrl = "https://$HostName" }
  $Date = [DateTime]::UtcNow
  $ToSign = "GET\`n\`n\`n$($Date.ToString('r'))\`nx-oss-security-token:$($C.SecurityToken)\`n/$Bucket/"
  $Hmac = New-Object System.Security.Cryptography.HMACSHA1 (,[Text.Encoding]::UTF8.GetBytes($C.AccessKeySecret))
  $Sig = [Convert]::ToBase64String($Hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($ToSign)))
  # HttpWebRequest: Invoke-WebRequest refuses to set Date and Host itself.
  $Req = [System.Net.HttpWebRequest]::Create("$OssUrl/?max-keys=1")
  $Req.Host = $HostName; $Req.Date = $Date; $Req.Timeout = 10000
  $Req.Headers.Add('x-oss-security-token', $C.SecurityToken)
  $Req.Headers.Add('Authorization', "OSS $($C.AccessKeyId):$Sig")
  try { $Req.GetResponse().Close(); 'list=ok' }
  catch [System.Net.WebException] {
    $R = $_.Exception.Response
    if (-not $R) { 'list=unreachable' } else {
      $Body = (New-Object System.IO.StreamReader($R.GetResponseStream())).ReadToEnd()
      'list=refused'; "listStatus=$([int]$R.StatusCode)"
      if ($Body -match '<Code>([A-Za-z.]*)</Code>') { "listCode=$($Matches[1])" } else { 'listCode=' }
    }
  }
}
'done=1'
`;
}

export interface RoleCheckReport {
  /** The script ran to its end (a cut-off output is reported as such, not guessed at). */
  complete: boolean;
  /** hardened: a metadata token was issued; unreachable: no answer from 100.100.100.200. */
  imds?: 'hardened' | 'unreachable';
  /** The role the metadata service names, or undefined with `noRole`. */
  role?: string;
  noRole: boolean;
  roleStatus?: string;
  credentialsStatus?: string;
  expiration?: string;
  /** The credentials document's Code ("Success"). */
  code?: string;
  bucket?: string;
  list?: 'ok' | 'refused' | 'unreachable';
  listStatus?: string;
  listCode?: string;
  /** Keys the instance printed in a shape they never have: nothing of them is shown. */
  unreadable: string[];
}

/**
 * Each key's only acceptable shape. The output comes from the instance, and whoever has root there
 * writes it: a value in any other shape is reported as unreadable, never shown.
 */
const SHAPES: Record<string, RegExp> = {
  imds: /^(hardened|unreachable)$/,
  role: /^(none|[A-Za-z0-9.-]{1,64})$/,
  roleStatus: /^\d{3}$/,
  credentialsStatus: /^\d{3}$/,
  expiration: /^\d{4}-\d\d-\d\dT[\d:]+Z$/,
  code: /^[A-Za-z.]{1,64}$/,
  bucket: /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
  list: /^(ok|refused|unreachable)$/,
  listStatus: /^\d{3}$/,
  listCode: /^[A-Za-z.]{1,64}$/,
  done: /^1$/,
};

/**
 * Reads the script's output. Only the keys above are taken and only in their expected shape, so
 * whatever else an instance prints (a login banner, a profile script's noise) is ignored, and a
 * known key with any other value is named in `unreadable`.
 */
export function parseRoleCheckOutput(output: string): RoleCheckReport {
  const v: Record<string, string> = {};
  const unreadable: string[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(raw.trim());
    if (!m || !Object.hasOwn(SHAPES, m[1]) || m[1] in v || unreadable.includes(m[1])) {
      continue;
    }
    const value = m[2].trim();
    if (!value) {
      continue;
    } // printed empty: the same as absent
    if (SHAPES[m[1]].test(value)) {
      v[m[1]] = value;
    } else {
      unreadable.push(m[1]);
    }
  }
  return {
    complete: v.done === '1',
    imds: v.imds as RoleCheckReport['imds'],
    role: v.role !== 'none' ? v.role : undefined,
    noRole: v.role === 'none',
    roleStatus: v.roleStatus,
    credentialsStatus: v.credentialsStatus,
    expiration: v.expiration,
    code: v.code,
    bucket: v.bucket,
    list: v.list as RoleCheckReport['list'],
    listStatus: v.listStatus,
    listCode: v.listCode,
    unreadable,
  };
}
