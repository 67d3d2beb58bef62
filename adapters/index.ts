import type { ListableStore, SecretStore } from './store.js';
import { parseStorePrefix, parseStoreUri } from './uri.js';
import { resolveContext } from './options.js';
import type { StoreOptions } from './options.js';

export { parseStoreUri, parseStorePrefix } from './uri.js';
export type { StoreOptions, VaultOptions } from './options.js';

/**
 * Opens the store a URI names. Each adapter (and its SDK) is imported only here, when a URI of
 * its scheme is opened, so a run that writes to Vault never loads the AWS SDK. Opening checks the
 * URI and that credentials/settings are present, without network calls, so a typo fails before
 * anything is generated or certified.
 */
export async function openStore(uri: string, options?: StoreOptions): Promise<SecretStore> {
  const parsed = parseStoreUri(uri);
  const context = resolveContext(options);
  switch (parsed.kind) {
    case 'aws-sm':
      return new (await import('./aws-secrets-manager/index.js')).AwsSecretsManagerStore(parsed, context);
    case 'vault': {
      const vault = await import('./vault/index.js');
      return new vault.VaultStore(parsed, await vault.openClient(context, parsed.uri));
    }
    case 'doppler':
      return (await import('./doppler.js')).openDopplerStore(parsed, context);
    case 'k8s':
      return (await import('./kubernetes.js')).openKubernetesStore(parsed, context);
    case 'file':
      return new (await import('./file/index.js')).FileStore(parsed, context.baseDir);
    case 'gh':
      return (await import('./github/index.js')).openGitHubStore(parsed, context);
    case 'gcp-sm':
      return (await import('./gcp-secret-manager/index.js')).openGcpStore(parsed, context);
    case 'azure-kv':
      return (await import('./azure-key-vault/index.js')).openAzureStore(parsed, context);
  }
}

/**
 * Opens a lister for `passgeni inventory`: `aws-sm://[prefix]`, `vault://mount[/prefix]`,
 * `file://file-or-directory`, `gh://owner/repo[/env/name]`, `gh://org`. Doppler and Kubernetes listing would have to read secret values to
 * enumerate them, so they are not offered.
 */
export async function openStoreLister(prefixUri: string, options?: StoreOptions): Promise<ListableStore> {
  const prefix = parseStorePrefix(prefixUri);
  const context = resolveContext(options);
  switch (prefix.kind) {
    case 'aws-sm': {
      const { createClient, listSecrets } = await import('./aws-secrets-manager/index.js');
      return { list: () => listSecrets(createClient(context), prefix) };
    }
    case 'vault': {
      const vault = await import('./vault/index.js');
      const client = await vault.openClient(context, prefix.uri);
      return { list: () => vault.listVault(client, prefix) };
    }
    case 'file': {
      const { listFiles } = await import('./file/index.js');
      return { list: () => listFiles(context.baseDir, prefix) };
    }
    case 'gh': {
      const { createGitHubClient, listGitHubSecrets } = await import('./github/index.js');
      const client = createGitHubClient(context, prefix.uri, () => []);
      return { list: () => listGitHubSecrets(client, prefix) };
    }
    case 'gcp-sm': {
      const { createGcpClient, listGcpSecrets } = await import('./gcp-secret-manager/index.js');
      const client = createGcpClient(context, prefix.uri, () => []);
      return { list: () => listGcpSecrets(client, prefix) };
    }
    case 'azure-kv': {
      const { createSecretClient, listAzureSecrets } = await import('./azure-key-vault/index.js');
      const client = await createSecretClient(context, prefix.vault);
      return { list: () => listAzureSecrets(client, prefix) };
    }
  }
}
