/**
 * Create Bucket (private, in a chosen region and storage class, named by OSS's rules) and Delete
 * Bucket (typing its name; a bucket that is not empty is offered to be emptied first, objects, or
 * every version and delete marker of a versioned bucket, and incomplete multipart uploads, with
 * progress). Args ({ name, region, storageClass } / { bucket })
 * fill in answers but never skip the typed confirmation of a deletion.
 */
import * as vscode from 'vscode';
import { CloudError, isCloudError } from '../../cloud/errors';
import { BUCKET_STORAGE_CLASSES, bucketNameProblem, type BucketStorageClass } from '../../cloud/oss';
import { rememberRegion, regionOfBucket } from '../../cloud/ossLocation';
import { emptyBucket, surveyBucket, type BucketContents, type EmptyProgress } from '../../setup/ossObjectOps';
import { withProgress } from '../../ui/progress';
import { OssBucketNode, OssBucketsNode } from '../../views/ossView';
import { defineCommand, is } from '../command';
import { notify } from '../helpers';
import { pickTarget } from './targets';
import { regionName } from '../../cloud/regionNames';

const createBucketArgs = {
  name: is.string,
  region: is.string,
  storageClass: is.oneOf<BucketStorageClass>(...BUCKET_STORAGE_CLASSES),
};

const STORAGE_CLASS_HELP: Record<BucketStorageClass, () => string> = {
  Standard: () => vscode.l10n.t('Frequently read data; no minimum storage period'),
  IA: () => vscode.l10n.t('Infrequent Access: read about once a month; 30-day minimum, retrieval fees'),
  Archive: () => vscode.l10n.t('Rarely read; 60-day minimum, objects must be restored before reading'),
  ColdArchive: () => vscode.l10n.t('Cold Archive: 180-day minimum, restoring takes hours'),
  DeepColdArchive: () => vscode.l10n.t('Deep Cold Archive: 180-day minimum, restoring takes up to days'),
};

/** OSS's two refusals of a name, explained: they call for different fixes. */
function explainCreateError(e: unknown, name: string, region: string): unknown {
  if (isCloudError(e, 'BucketAlreadyExists')) {
    return new CloudError({
      code: e.code,
      service: 'oss',
      action: e.action,
      status: e.status,
      requestId: e.requestId,
      message: vscode.l10n.t(
        'The name "{0}" is taken: bucket names are shared by every Alibaba Cloud account, and another account owns this one. Choose another name (adding your project or account as a prefix usually works).',
        name,
      ),
    });
  }
  if (isCloudError(e, 'TooManyBuckets')) {
    return new CloudError({
      code: e.code,
      service: 'oss',
      action: e.action,
      status: e.status,
      requestId: e.requestId,
      message: vscode.l10n.t(
        'This account already has the most buckets OSS allows in {0} (100 per region). The name is fine: delete a bucket you no longer need there, or create this one in another region.',
        region,
      ),
    });
  }
  return e;
}

export const ossCreateBucket = defineCommand({
  id: 'alibabaCloud.oss.createBucket',
  node: [OssBucketsNode],
  args: createBucketArgs,
  run: async (s, { args: a }) => {
    const { entry, cloud } = await s.cloud();
    // A counter over the questions still to ask (args may answer some), as the set-up wizard shows.
    const total = [a.name, a.region, a.storageClass].filter((v) => v === undefined).length;
    let asked = 0;
    const step = () => vscode.l10n.t('Create Bucket ({0}/{1})', ++asked, total);
    const name =
      a.name ??
      (await s.prompt.input({
        title: step(),
        prompt: vscode.l10n.t('Bucket name: unique across all of OSS, 3 to 63 lowercase letters, digits and hyphens'),
        placeHolder: 'my-project-data',
        validateInput: (v) => bucketNameProblem(v),
      }));
    const problem = bucketNameProblem(name);
    if (problem) {
      throw new CloudError({ code: 'InvalidBucketName', service: 'oss', action: 'oss:PutBucket', message: problem });
    }
    const region =
      a.region ??
      (
        await s.prompt.pick(
          (async () => {
            let ids = [entry.regionId];
            try {
              ids = [...new Set([entry.regionId, ...(await cloud.ecs.describeRegions()).map((r) => r.regionId)])];
            } catch {
              /* the profile's region only */
            }
            return ids.map((id) => ({
              label: id,
              description: [
                regionName(id, vscode.env.language),
                id === entry.regionId ? vscode.l10n.t('profile region') : '',
              ]
                .filter(Boolean)
                .join(' · '),
            }));
          })(),
          { title: step(), placeHolder: vscode.l10n.t('Region of the bucket (it cannot be moved later)') },
        )
      ).label;
    const storageClass =
      a.storageClass ??
      ((
        await s.prompt.pick(
          BUCKET_STORAGE_CLASSES.map((c) => ({ label: c, description: STORAGE_CLASS_HELP[c]() })),
          { title: step(), placeHolder: vscode.l10n.t('Default storage class of new objects') },
        )
      ).label as BucketStorageClass);
    if (!BUCKET_STORAGE_CLASSES.includes(storageClass)) {
      throw new Error(vscode.l10n.t('Unknown storage class {0}.', storageClass));
    }
    // PutBucket on a name this account owns changes that bucket's settings instead of failing.
    try {
      const owned = await cloud.oss.getBucketRegion(name, region);
      throw new Error(vscode.l10n.t('You already own bucket {0} (in {1}); nothing was changed.', name, owned));
    } catch (e) {
      if (!isCloudError(e)) {
        throw e;
      }
      // NoSuchBucket: free, go on. AccessDenied: another account's, or no GetBucketLocation: PutBucket says which.
      if (!isCloudError(e, /^(NoSuchBucket|AccessDenied)$/)) {
        throw e;
      }
    }
    try {
      await withProgress(
        vscode.l10n.t('Creating bucket {0}…', name),
        () => cloud.oss.createBucket(name, region, storageClass, 'private'),
        false,
      );
    } catch (e) {
      throw explainCreateError(e, name, region);
    } finally {
      s.refresh('oss');
    }
    rememberRegion(cloud, name, region);
    notify(vscode.l10n.t('Bucket {0} created in {1} (private, {2}).', name, region, storageClass));
    return { name, region, storageClass };
  },
});

/** The confirmation's account of what emptying will delete. */
function contentsDetail(c: BucketContents): string {
  if (!c.versioning) {
    const count = c.more
      ? vscode.l10n.t('more than 1,000 objects')
      : c.objects === 1
        ? vscode.l10n.t('1 object')
        : vscode.l10n.t('{0} objects', c.objects);
    const parts =
      c.uploads === 0
        ? ''
        : c.uploads === 1
          ? vscode.l10n.t(' and 1 incomplete multipart upload')
          : vscode.l10n.t(' and {0} incomplete multipart uploads', c.uploads);
    return vscode.l10n.t(
      'It holds {0}{1}. OSS deletes only an empty bucket. Empty and Delete deletes every object and aborts every incomplete upload, then deletes the bucket. This cannot be undone.',
      count,
      parts,
    );
  }
  // Counts as "label: n" lines: one string serves 1 and n alike.
  const counts = c.more
    ? vscode.l10n.t(
        'Object versions and delete markers: more than 1,000. Incomplete multipart uploads: {0}.',
        c.uploads,
      )
    : vscode.l10n.t(
        'Object versions: {0}. Delete markers: {1}. Incomplete multipart uploads: {2}.',
        c.objects,
        c.deleteMarkers,
        c.uploads,
      );
  return `${counts}\n\n${vscode.l10n.t('Versioning is {0} on this bucket, so besides its current objects it can hold earlier versions and delete markers; OSS deletes the bucket only when none is left. Empty and Delete permanently deletes all versions of every object and every delete marker, aborts every incomplete upload, then deletes the bucket. Deleted versions cannot be recovered.', c.versioning)}`;
}

export const ossDeleteBucket = defineCommand({
  id: 'alibabaCloud.oss.deleteBucket',
  node: [OssBucketNode],
  args: { bucket: is.string },
  run: async (s, { node, args: a }) => {
    const title = vscode.l10n.t('Delete Bucket');
    const { entry, cloud } = await s.cloud();
    const bucket = node?.bucket ?? a.bucket ?? (await pickTarget(s, 'prefix', title)).bucket;
    const region = node ? await node.region() : await regionOfBucket(cloud, bucket, entry.regionId);
    const contents = await surveyBucket(cloud.oss, bucket, region);
    const { empty, versioning } = contents;
    if (!empty) {
      const emptyAndDelete = vscode.l10n.t('Empty and Delete…');
      const choice = await s.prompt.choose(
        vscode.l10n.t('Bucket {0} is not empty.', bucket),
        contentsDetail(contents),
        [emptyAndDelete],
      );
      if (choice !== emptyAndDelete) {
        return false;
      }
    }
    await s.prompt.input({
      title,
      prompt: empty
        ? vscode.l10n.t('Type the bucket name "{0}" to delete it. This cannot be undone.', bucket)
        : versioning
          ? vscode.l10n.t(
              'Type the bucket name "{0}" to permanently delete all versions of everything in it, and the bucket. This cannot be undone.',
              bucket,
            )
          : vscode.l10n.t(
              'Type the bucket name "{0}" to delete everything in it and the bucket. This cannot be undone.',
              bucket,
            ),
      // No placeholder: the name greyed in the box reads as already typed (the prompt names it).
      validateInput: (v) => (v === bucket ? undefined : vscode.l10n.t('Type the bucket name exactly: {0}', bucket)),
    });
    let emptied: EmptyProgress = { objectsDeleted: 0, versionsDeleted: 0, deleteMarkersDeleted: 0, uploadsAborted: 0 };
    try {
      await withProgress(vscode.l10n.t('Deleting bucket {0}…', bucket), async (report, signal) => {
        if (!empty) {
          emptied = await emptyBucket(cloud.oss, bucket, region, {
            signal,
            versioning,
            onProgress: (p) =>
              report(
                versioning
                  ? vscode.l10n.t(
                      'Deleted for good: object versions {0}, delete markers {1}. Uploads aborted: {2}.',
                      p.versionsDeleted,
                      p.deleteMarkersDeleted,
                      p.uploadsAborted,
                    )
                  : vscode.l10n.t('{0} objects deleted, {1} uploads aborted', p.objectsDeleted, p.uploadsAborted),
              ),
          });
        }
        report(vscode.l10n.t('Deleting the bucket…'));
        try {
          await cloud.oss.deleteBucket(bucket, region);
        } catch (e) {
          if (!isCloudError(e, 'BucketNotEmpty')) {
            throw e;
          }
          throw new CloudError({
            code: e.code,
            service: 'oss',
            action: e.action,
            status: e.status,
            requestId: e.requestId,
            message: versioning
              ? vscode.l10n.t(
                  'OSS still finds {0} not empty: something was written meanwhile. The bucket was kept; run Delete Bucket again.',
                  bucket,
                )
              : vscode.l10n.t(
                  'OSS still finds {0} not empty: something was written meanwhile, or versioning keeps earlier versions that could not be listed (reading them needs oss:GetBucketVersioning and oss:ListObjectVersions). The bucket was kept.',
                  bucket,
                ),
          });
        }
      });
    } finally {
      s.refresh('oss');
    }
    notify(
      empty
        ? vscode.l10n.t('Bucket {0} deleted.', bucket)
        : versioning
          ? vscode.l10n.t(
              'Bucket {0} deleted. Deleted for good: object versions {1}, delete markers {2}. Uploads aborted: {3}.',
              bucket,
              emptied.versionsDeleted,
              emptied.deleteMarkersDeleted,
              emptied.uploadsAborted,
            )
          : vscode.l10n.t(
              'Bucket {0} deleted, with {1} objects and {2} incomplete uploads.',
              bucket,
              emptied.objectsDeleted,
              emptied.uploadsAborted,
            ),
    );
    return { deleted: true, versioning: versioning ?? 'Disabled', ...emptied };
  },
});
