// What S3 authorizes per request (the IAM action, not the API name) and the event notifications it sends,
// in S3's documented shapes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
// and https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html

import { randomBytes } from 'node:crypto';

/**
 * The IAM action of one request. -> { action, kms: 'Decrypt'|'GenerateDataKey'|null, created: event name
 * of a new object or null, source: 'bucket/key' read by a copy, abort: true for AbortMultipartUpload }.
 */
export function s3Action({ method, key, query, headers }) {
  const has = (name) => query.has(name);
  const versioned = has('versionId');
  if (!key) return { action: bucketAction(method, has), kms: null, created: null };
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (has('uploadId')) return { action: 's3:ListMultipartUploadParts', kms: null, created: null };
      if (has('tagging')) return { action: versioned ? 's3:GetObjectVersionTagging' : 's3:GetObjectTagging', kms: null, created: null };
      if (has('acl')) return { action: versioned ? 's3:GetObjectVersionAcl' : 's3:GetObjectAcl', kms: null, created: null };
      // HeadObject is authorized as GetObject but reads no data, so it needs no key.
      return { action: versioned ? 's3:GetObjectVersion' : 's3:GetObject', kms: method === 'GET' ? 'Decrypt' : null, created: null };
    case 'PUT': {
      if (has('tagging')) return { action: versioned ? 's3:PutObjectVersionTagging' : 's3:PutObjectTagging', kms: null, created: null };
      // UploadPart: S3 decrypts the upload's data key for each part.
      if (has('uploadId')) return { action: 's3:PutObject', kms: 'Decrypt', created: null };
      const copy = headers['x-amz-copy-source'];
      if (copy) {
        const source = decodeURIComponent(String(copy).replace(/^\//, '').split('?')[0]);
        return { action: 's3:PutObject', kms: 'GenerateDataKey', created: 'ObjectCreated:Copy', source };
      }
      return { action: 's3:PutObject', kms: 'GenerateDataKey', created: 'ObjectCreated:Put' };
    }
    case 'POST':
      if (has('uploads')) return { action: 's3:PutObject', kms: 'GenerateDataKey', created: null };
      if (has('uploadId')) return { action: 's3:PutObject', kms: null, created: 'ObjectCreated:CompleteMultipartUpload' };
      return { action: 's3:PutObject', kms: null, created: null };
    case 'DELETE':
      if (has('uploadId')) return { action: 's3:AbortMultipartUpload', kms: null, created: null, abort: true };
      return { action: versioned ? 's3:DeleteObjectVersion' : 's3:DeleteObject', kms: null, created: null };
    default:
      return { action: `s3:${method}Object`, kms: null, created: null };
  }
}

function bucketAction(method, has) {
  if (method === 'PUT') return has('notification') ? 's3:PutBucketNotification' : 's3:CreateBucket';
  if (method === 'DELETE') return 's3:DeleteBucket';
  if (method === 'POST' && has('delete')) return 's3:DeleteObject';
  if (has('versioning')) return 's3:GetBucketVersioning';
  if (has('uploads')) return 's3:ListBucketMultipartUploads';
  if (has('versions')) return 's3:ListBucketVersions';
  if (has('location')) return 's3:GetBucketLocation';
  if (has('notification')) return 's3:GetBucketNotification';
  return 's3:ListBucket'; // ListObjects(V2) and HeadBucket
}

/** Whether a planned notification { events, prefix, suffix } wants an event for this key. */
export function matchesFilter(notification, key, eventName) {
  const wanted = `s3:${eventName}`;
  const eventMatches = (notification.events ?? []).some((e) => e === wanted || (e.endsWith(':*') && wanted.startsWith(e.slice(0, -1))));
  return eventMatches && key.startsWith(notification.prefix ?? '') && key.endsWith(notification.suffix ?? '');
}

/** S3 URL-encodes the key in notifications, with spaces as '+'. */
export function notificationKey(key) {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

/** One ObjectCreated notification as S3 sends it (event version 2.1). */
export function notificationRecord({ bucket, region, eventName, object, principalId, configurationId }) {
  const s3Object = { key: notificationKey(object.key), size: object.size, eTag: object.eTag };
  if (object.versionId) s3Object.versionId = object.versionId;
  s3Object.sequencer = object.sequencer;
  return {
    Records: [{
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: region,
      eventTime: new Date().toISOString(),
      eventName,
      userIdentity: { principalId },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': hex(8), 'x-amz-id-2': randomBytes(48).toString('base64') },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: configurationId ?? 'tf-s3-queue-file-events',
        bucket: { name: bucket.name, ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: bucket.arn },
        object: s3Object,
      },
    }],
  };
}

/** The message S3 sends to a destination when a notification configuration is set. */
export function testEvent(bucketName) {
  return { Service: 'Amazon S3', Event: 's3:TestEvent', Time: new Date().toISOString(), Bucket: bucketName, RequestId: hex(8), HostId: randomBytes(48).toString('base64') };
}

function hex(bytes) {
  return randomBytes(bytes).toString('hex').toUpperCase();
}
