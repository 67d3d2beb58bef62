import { createServer } from 'node:http';

/**
 * A loopback endpoint speaking Secrets Manager's JSON protocol just far enough to answer
 * DescribeSecret (the pre-flight check) and GetSecretValue, then resetting the TCP connection on
 * the write: a real network failure mid-way, which nock cannot produce for the AWS SDK.
 */
export async function startResettingAws(): Promise<{
  url: string;
  targets: string[];
  close(): Promise<void>;
}> {
  const targets: string[] = [];
  const server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '').replace('secretsmanager.', '');
    targets.push(target);
    req.resume();
    req.on('end', () => {
      if (target === 'DescribeSecret') {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({
            ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf',
            Name: 'prod/db',
          }),
        );
      } else if (target === 'GetSecretValue') {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ VersionId: 'aaaaaaaa-0000-4000-8000-000000000001', SecretString: 'old' }));
      } else {
        req.socket.resetAndDestroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    targets,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
