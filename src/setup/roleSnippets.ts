/**
 * "Insert Code That Uses the Instance Role": the documented example (list 10 objects of a bucket
 * on an ECS instance), done properly: credentials come from the instance role through the official
 * credentials library of each language, which reads the metadata service in hardened mode and
 * refreshes before expiry; nothing is pasted. Usage follows aliyun/alibabacloud-landing-zone
 * solution-ecs-sts-token code-example (oss_sdk samples for Python and Java), the credentials-go
 * README (ecs_ram_role Config) and ali-oss's refreshSTSToken option for Node.js.
 * No `vscode` here: the snapshots and the Node run in tests use these strings.
 */

export type SnippetLanguage = 'python' | 'javascript' | 'typescript' | 'java' | 'go';

export interface SnippetTarget {
  bucket: string;
  /** Region id, e.g. cn-hangzhou. */
  region: string;
  /** Scheme and host, e.g. https://oss-cn-hangzhou-internal.aliyuncs.com (internal: the code runs on ECS). */
  endpoint: string;
  /** The instance role's name when known: saves the metadata lookup of the name. */
  roleName?: string;
}

export interface Snippet {
  language: SnippetLanguage;
  code: string;
  packages: string;
  install: string;
}

export function snippetLanguageOf(languageId: string): SnippetLanguage | undefined {
  if (languageId === 'javascriptreact') {
    return 'javascript';
  }
  if (languageId === 'typescriptreact') {
    return 'typescript';
  }
  return (['python', 'javascript', 'typescript', 'java', 'go'] as const).find((l) => l === languageId);
}

/** The internal OSS endpoint of a region (the code runs on an ECS instance in that region). */
export const internalOssEndpoint = (region: string) => `https://oss-${region}-internal.aliyuncs.com`;

const q = (s: string) => JSON.stringify(s);

export function roleSnippet(language: SnippetLanguage, t: SnippetTarget): Snippet {
  switch (language) {
    case 'python':
      return {
        language,
        packages: 'alibabacloud_credentials, oss2',
        install: 'pip install alibabacloud_credentials oss2',
        code: `# List 10 objects of ${t.bucket} with the ECS instance role: no AccessKey in code or on the machine.
# Packages: pip install alibabacloud_credentials oss2
import oss2
from alibabacloud_credentials.client import Client as CredentialClient
from alibabacloud_credentials.models import Config as CredentialConfig
from oss2 import CredentialsProvider
from oss2.credentials import Credentials


class InstanceRoleCredentials(CredentialsProvider):
    """oss2 credentials from the instance role; alibabacloud_credentials refreshes them before they expire."""

    def __init__(self):
        self.client = CredentialClient(CredentialConfig(
            type='ecs_ram_role',${t.roleName ? `\n            role_name=${q(t.roleName)},` : ''}
            disable_imds_v1=True,  # hardened mode: metadata token first
        ))

    def get_credentials(self):
        c = self.client.get_credential()
        return Credentials(c.access_key_id, c.access_key_secret, c.security_token)


auth = oss2.ProviderAuthV4(InstanceRoleCredentials())
bucket = oss2.Bucket(auth, ${q(t.endpoint)}, ${q(t.bucket)}, region=${q(t.region)})
for obj in bucket.list_objects_v2(max_keys=10).object_list:
    print(obj.key, obj.size)
`,
      };
    case 'javascript':
    case 'typescript': {
      const ts = language === 'typescript';
      return {
        language,
        packages: '@alicloud/credentials, ali-oss',
        install: 'npm install @alicloud/credentials ali-oss',
        code: `// List 10 objects of ${t.bucket} with the ECS instance role: no AccessKey in code or on the machine.
// Packages: npm install @alicloud/credentials ali-oss
${ts ? "import Credential, { Config } from '@alicloud/credentials';\nimport OSS from 'ali-oss';" : "const { default: Credential, Config } = require('@alicloud/credentials');\nconst OSS = require('ali-oss');"}

// The instance role through the metadata service (hardened mode); refreshed before it expires.
const credential = new Credential(new Config({ type: 'ecs_ram_role',${t.roleName ? ` roleName: ${q(t.roleName)},` : ''} disableIMDSv1: true }));

const client = new OSS({
  region: ${q(`oss-${t.region}`)},
  endpoint: ${q(t.endpoint)},
  bucket: ${q(t.bucket)},
  // Placeholders: refreshSTSToken supplies the role's credentials before every request.
  accessKeyId: 'role', accessKeySecret: 'role', stsToken: 'role',
  refreshSTSTokenInterval: 0,
  refreshSTSToken: async () => {
    const c = await credential.getCredential();
    return { accessKeyId: c.accessKeyId${ts ? '!' : ''}, accessKeySecret: c.accessKeySecret${ts ? '!' : ''}, stsToken: c.securityToken${ts ? '!' : ''} };
  },
});

async function main()${ts ? ': Promise<void>' : ''} {
  const result = await client.listV2({ 'max-keys': '10' }${ts ? ', {}' : ''});
  for (const obj of result.objects ?? []) {
    console.log(obj.name, obj.size);
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
`,
      };
    }
    case 'java':
      return {
        language,
        packages: 'com.aliyun:credentials-java, com.aliyun.oss:aliyun-sdk-oss (3.17.4 or later)',
        install:
          '<dependency><groupId>com.aliyun</groupId><artifactId>credentials-java</artifactId></dependency> and <dependency><groupId>com.aliyun.oss</groupId><artifactId>aliyun-sdk-oss</artifactId></dependency>',
        code: `// List 10 objects of ${t.bucket} with the ECS instance role: no AccessKey in code or on the machine.
// Packages (Maven): com.aliyun:credentials-java, com.aliyun.oss:aliyun-sdk-oss (3.17.4 or later)
import com.aliyun.credentials.models.CredentialModel;
import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.common.auth.Credentials;
import com.aliyun.oss.common.auth.CredentialsProvider;
import com.aliyun.oss.common.auth.DefaultCredentials;
import com.aliyun.oss.common.comm.SignVersion;
import com.aliyun.oss.model.ListObjectsV2Request;
import com.aliyun.oss.model.OSSObjectSummary;

public class ListObjectsWithInstanceRole {
    public static void main(String[] args) {
        // The instance role through the metadata service (hardened mode); refreshed before it expires.
        com.aliyun.credentials.models.Config config = new com.aliyun.credentials.models.Config()
            .setType("ecs_ram_role")${t.roleName ? `\n            .setRoleName(${q(t.roleName)})` : ''}
            .setDisableIMDSv1(true);
        com.aliyun.credentials.Client credential = new com.aliyun.credentials.Client(config);

        ClientBuilderConfiguration conf = new ClientBuilderConfiguration();
        conf.setSignatureVersion(SignVersion.V4);
        OSS oss = OSSClientBuilder.create()
            .endpoint(${q(t.endpoint)})
            .region(${q(t.region)})
            .clientConfiguration(conf)
            .credentialsProvider(new CredentialsProvider() {
                @Override public void setCredentials(Credentials credentials) { }
                @Override public Credentials getCredentials() {
                    CredentialModel c = credential.getCredential();
                    return new DefaultCredentials(c.getAccessKeyId(), c.getAccessKeySecret(), c.getSecurityToken());
                }
            })
            .build();
        try {
            for (OSSObjectSummary o : oss.listObjectsV2(new ListObjectsV2Request(${q(t.bucket)}).withMaxKeys(10)).getObjectSummaries()) {
                System.out.println(o.getKey() + " " + o.getSize());
            }
        } finally {
            oss.shutdown();
        }
    }
}
`,
      };
    case 'go':
      return {
        language,
        packages: 'github.com/aliyun/credentials-go, github.com/aliyun/aliyun-oss-go-sdk',
        install: 'go get github.com/aliyun/credentials-go github.com/aliyun/aliyun-oss-go-sdk',
        code: `// List 10 objects of ${t.bucket} with the ECS instance role: no AccessKey in code or on the machine.
// Packages: go get github.com/aliyun/credentials-go github.com/aliyun/aliyun-oss-go-sdk
package main

import (
	"fmt"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/aliyun/credentials-go/credentials"
)

// instanceRole adapts the credentials-go client to the OSS SDK; credentials-go refreshes it.
type instanceRole struct{ cred credentials.Credential }

type ossCredentials struct{ id, secret, token string }

func (c ossCredentials) GetAccessKeyID() string     { return c.id }
func (c ossCredentials) GetAccessKeySecret() string { return c.secret }
func (c ossCredentials) GetSecurityToken() string   { return c.token }

func (p instanceRole) GetCredentials() oss.Credentials {
	c, err := p.cred.GetCredential()
	if err != nil {
		panic(err)
	}
	return ossCredentials{*c.AccessKeyId, *c.AccessKeySecret, *c.SecurityToken}
}

func main() {
	// The instance role through the metadata service (hardened mode).
	config := new(credentials.Config).SetType("ecs_ram_role").SetDisableIMDSv1(true)${t.roleName ? `.SetRoleName(${q(t.roleName)})` : ''}
	cred, err := credentials.NewCredential(config)
	if err != nil {
		panic(err)
	}
	client, err := oss.New(${q(t.endpoint)}, "", "", oss.SetCredentialsProvider(instanceRole{cred}), oss.AuthVersion(oss.AuthV4), oss.Region(${q(t.region)}))
	if err != nil {
		panic(err)
	}
	bucket, err := client.Bucket(${q(t.bucket)})
	if err != nil {
		panic(err)
	}
	result, err := bucket.ListObjectsV2(oss.MaxKeys(10))
	if err != nil {
		panic(err)
	}
	for _, o := range result.Objects {
		fmt.Println(o.Key, o.Size)
	}
}
`,
      };
  }
}
