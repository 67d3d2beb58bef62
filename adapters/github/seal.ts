import sodium from 'libsodium-wrappers';

/**
 * Encrypts a value for GitHub with libsodium's sealed box (an anonymous X25519 + XSalsa20-Poly1305
 * box): only the holder of the repository's private key, GitHub, can open it. Both the key and
 * the result are standard base64, as GitHub's API uses them.
 */
export async function sealForGitHub(value: string, publicKeyBase64: string): Promise<string> {
  await sodium.ready;
  const key = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL);
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), key);
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL);
}
