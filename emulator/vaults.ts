/**
 * The emulated account's backup vaults and recovery points: ListBackupVaults,
 * DescribeBackupVault, ListRecoveryPointsByBackupVault, DescribeRecoveryPoint and
 * DeleteRecoveryPoint, the lookups StartCopyJob needs, and the copies copy jobs make in the
 * emulator's own vaults.
 *
 * Vaults are named by ARN; those in the emulator's Region and account are its own (listed,
 * described, copy sources), the others exist only as copy destinations (another Region, another
 * account).
 *
 * @module
 */

import { parseArn } from "./arn.ts";
import {
  DEFAULT_RECOVERY_POINT_CREATION_MS,
  type RecoveryPointFixture,
  type RecoveryPointStatus,
  type StorageClass,
} from "./model.ts";
import { paginate } from "./pagination.ts";
import type { ListBackupVaultsQuery, ListRecoveryPointsQuery } from "./validation.ts";
import { ApiError } from "./wire.ts";

/** Page size of the list operations when `maxResults` is not given. */
export const DEFAULT_PAGE_SIZE = 1000;
/** Creation date of every emulated vault: 2025-01-01T00:00:00Z. */
const VAULT_CREATION_MS = Date.UTC(2025, 0, 1);

/** `BackupVaultListMember` / `DescribeBackupVaultOutput` of the model, as sent on the wire. */
export interface BackupVault {
  BackupVaultName: string;
  BackupVaultArn: string;
  VaultType: "BACKUP_VAULT";
  CreationDate: number;
  EncryptionKeyArn: string;
  NumberOfRecoveryPoints: number;
  Locked: boolean;
  AccountId?: string;
}

/** `RecoveryPointByBackupVault` / `DescribeRecoveryPointOutput` of the model, on the wire. */
export interface RecoveryPoint {
  RecoveryPointArn: string;
  BackupVaultName: string;
  BackupVaultArn: string;
  /** Of a copy: the vault it was copied from. */
  SourceBackupVaultArn?: string;
  ResourceArn: string;
  ResourceType: string;
  ResourceName?: string;
  Status: RecoveryPointStatus;
  CreationDate: number;
  CompletionDate: number;
  BackupSizeInBytes: number;
  IamRoleArn: string;
  IsEncrypted: boolean;
  EncryptionKeyArn: string;
  IsParent: boolean;
  ParentRecoveryPointArn?: string;
  CreatedBy?: { BackupPlanId: string };
  VaultType: "BACKUP_VAULT";
  /** `MoveToColdStorageAt` and `DeleteAt`, epoch seconds, when the lifecycle sets them. */
  CalculatedLifecycle?: { MoveToColdStorageAt?: number; DeleteAt?: number };
  /** DescribeRecoveryPoint only (ListRecoveryPointsByBackupVault has no `StorageClass`). */
  StorageClass?: StorageClass;
}

/** What a {@linkcode VaultCatalog} is built from. */
export interface VaultCatalogOptions {
  region: string;
  accountId: string;
  /** Backup vault ARNs. */
  vaults: readonly string[];
  /** Recovery points; more pushed onto this array later are seen too (backup jobs add theirs). */
  recoveryPoints: readonly RecoveryPointFixture[];
  /** The clock, epoch ms (copies appear when their job ends, lifecycles expire); `Date.now`. */
  now?: () => number;
}

/** The catalog's record of a recovery point: a seeded one, or a copy a copy job made. */
interface StoredPoint {
  fixture: RecoveryPointFixture;
  /** Insertion order (the second sort key of listings). */
  seq: number;
  /** Of a copy: the vault it was copied from. */
  sourceBackupVaultArn?: string;
  /** Of a copy: listed from this instant on (when its copy job ends), epoch ms. */
  availableFromMs?: number;
  /** When its lifecycle expires it (`Status` `EXPIRED` from then on), epoch ms. */
  deleteAtMs?: number;
  /** Deleted with DeleteRecoveryPoint: gone from listings, not found. */
  deleted?: boolean;
}

/** A copy a copy job makes in one of the emulator's own vaults; see `VaultCatalog.addCopy`. */
export interface CopyInOwnVault {
  /** The copy's recovery point ARN. */
  arn: string;
  /** The copied recovery point. */
  source: RecoveryPointFixture;
  /** The vault copied from. */
  sourceBackupVaultArn: string;
  /** The destination vault (one of the emulator's own). */
  destinationBackupVaultArn: string;
  /** When the copy job ends COMPLETED or PARTIAL, epoch ms. */
  availableFromMs: number;
  /** `Lifecycle.DeleteAfterDays` of the copy, counted from the source's creation date. */
  deleteAfterDays?: number;
}

/** The emulated account's vaults and recovery points. */
export class VaultCatalog {
  readonly #options: VaultCatalogOptions;
  readonly #now: () => number;
  readonly #points: StoredPoint[] = [];
  readonly #byArn = new Map<string, StoredPoint>();
  readonly #children = new Map<string, RecoveryPointFixture[]>();
  /** How many of `options.recoveryPoints` are stored: its owner may push more later. */
  #synced = 0;

  constructor(options: VaultCatalogOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#sync();
  }

  /** ARNs of every vault, own and foreign. */
  get vaultArns(): readonly string[] {
    return this.#options.vaults;
  }

  /** The emulator's Region: its own vaults are there. */
  get region(): string {
    return this.#options.region;
  }

  /** The recovery points the catalog was seeded with. */
  get seededRecoveryPoints(): readonly RecoveryPointFixture[] {
    return this.#options.recoveryPoints;
  }

  /** The recovery point with this ARN, in any own vault (deleted ones too), if there is one. */
  findRecoveryPoint(arn: string): RecoveryPointFixture | undefined {
    this.#sync();
    return this.#byArn.get(arn)?.fixture;
  }

  /**
   * Adds a recovery point to one of the emulator's own vaults (e.g. one a backup job made).
   * @throws {Error} its ARN is taken.
   */
  addRecoveryPoint(fixture: RecoveryPointFixture): void {
    this.#sync();
    this.#store({ fixture, seq: this.#points.length });
  }

  /**
   * Records the copy a copy job makes when the destination is one of the emulator's own vaults:
   * it is listed once the job ends, with the source's resource and creation date (copies keep
   * them, developer guide "Backup and tag copy") and expires by its lifecycle.
   */
  addCopy(copy: CopyInOwnVault): void {
    this.#sync();
    const name = parseArn(copy.destinationBackupVaultArn)!.resource.replace(/^backup-vault:/, "");
    const { source } = copy;
    const fixture: RecoveryPointFixture = {
      arn: copy.arn,
      backupVaultName: name,
      resourceArn: source.resourceArn,
      resourceType: source.resourceType,
      backupSizeInBytes: source.backupSizeInBytes,
      creationDateMs: creationMs(source),
    };
    if (source.resourceName !== undefined) fixture.resourceName = source.resourceName;
    this.#store({
      fixture,
      seq: this.#points.length,
      sourceBackupVaultArn: copy.sourceBackupVaultArn,
      availableFromMs: copy.availableFromMs,
      ...(copy.deleteAfterDays === undefined || copy.deleteAfterDays < 0 ? {} : {
        deleteAtMs: creationMs(source) + copy.deleteAfterDays * 86_400_000,
      }),
    });
  }

  /** ListBackupVaults: the vaults of the emulator's Region and account. */
  listVaults(query: ListBackupVaultsQuery): { BackupVaultList: BackupVault[]; NextToken?: string } {
    const own = this.#ownVaultArns().map((arn, seq) => ({
      createdMs: VAULT_CREATION_MS,
      seq: -seq,
      item: this.#vaultView(arn),
    }));
    const { nextToken: _t, maxResults: _m, ...filters } = query;
    // Every emulated vault is a standard, unshared BACKUP_VAULT.
    const matches = () =>
      (query.vaultType === undefined || query.vaultType === "BACKUP_VAULT") &&
      query.shared !== true;
    const page = paginate(own, matches, {
      nextToken: query.nextToken,
      maxResults: query.maxResults ?? DEFAULT_PAGE_SIZE,
      filters,
    });
    return {
      BackupVaultList: page.items,
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  }

  /** DescribeBackupVault. @throws {ApiError} `ResourceNotFoundException` */
  describeVault(name: string, accountId?: string): BackupVault {
    return { ...this.#vaultView(this.sourceVaultArn(name, accountId)) };
  }

  /** ListRecoveryPointsByBackupVault: newest first. @throws {ApiError} */
  listRecoveryPoints(
    vaultName: string,
    query: ListRecoveryPointsQuery,
  ): { RecoveryPoints: RecoveryPoint[]; NextToken?: string } {
    this.sourceVaultArn(vaultName, query.backupVaultAccountId);
    this.#sync();
    const now = this.#now();
    const keyed = this.#points
      .filter((p) => p.fixture.backupVaultName === vaultName && this.#visible(p, now))
      .map((p) => ({ createdMs: creationMs(p.fixture), seq: p.seq, item: p }));
    const { nextToken: _t, maxResults: _m, ...filters } = query;
    const matches = ({ fixture: rp }: StoredPoint) => {
      const created = creationMs(rp);
      return (query.resourceArn === undefined || rp.resourceArn === query.resourceArn) &&
        (query.resourceType === undefined || rp.resourceType === query.resourceType) &&
        (query.backupPlanId === undefined || rp.backupPlanId === query.backupPlanId) &&
        (query.createdBefore === undefined || created < query.createdBefore) &&
        (query.createdAfter === undefined || created > query.createdAfter) &&
        (query.parentRecoveryPointArn === undefined ||
          rp.parentRecoveryPointArn === query.parentRecoveryPointArn);
    };
    const page = paginate(keyed, matches, {
      nextToken: query.nextToken,
      maxResults: query.maxResults ?? DEFAULT_PAGE_SIZE,
      filters: { vaultName, ...filters },
    });
    return {
      RecoveryPoints: page.items.map((p) => this.#recoveryPointView(p, now)),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  }

  /** DescribeRecoveryPoint. @throws {ApiError} `ResourceNotFoundException` */
  describeRecoveryPoint(vaultName: string, arn: string, accountId?: string): RecoveryPoint {
    this.sourceVaultArn(vaultName, accountId);
    const now = this.#now();
    const view = this.#recoveryPointView(this.#find(vaultName, arn, now), now);
    view.StorageClass = this.#byArn.get(arn)!.fixture.storageClass ?? "WARM";
    return view;
  }

  /** DeleteRecoveryPoint: gone from then on. @throws {ApiError} `ResourceNotFoundException` */
  deleteRecoveryPoint(vaultName: string, arn: string): Record<never, never> {
    this.sourceVaultArn(vaultName);
    this.#find(vaultName, arn, this.#now()).deleted = true;
    return {};
  }

  /** The ARN of an own vault by name. @throws {ApiError} `ResourceNotFoundException` */
  sourceVaultArn(name: string, accountId = this.#options.accountId): string {
    const arn = accountId === this.#options.accountId
      ? this.#ownVaultArns().find((v) => parseArn(v)?.resource === `backup-vault:${name}`)
      : undefined;
    if (!arn) {
      throw new ApiError(
        "ResourceNotFoundException",
        `Backup vault ${name} does not exist in account ${accountId}.`,
        { context: name },
      );
    }
    return arn;
  }

  /** A recovery point of a vault. @throws {ApiError} `ResourceNotFoundException` */
  recoveryPoint(vaultName: string, arn: string): RecoveryPointFixture {
    return this.#find(vaultName, arn, this.#now()).fixture;
  }

  /** Whether a recovery point's lifecycle has expired it (`Status` `EXPIRED`). */
  expired(arn: string): boolean {
    this.#sync();
    const deleteAt = this.#byArn.get(arn)?.deleteAtMs;
    return deleteAt !== undefined && deleteAt <= this.#now();
  }

  /** The children of a composite recovery point (none for an ordinary one). */
  children(arn: string): RecoveryPointFixture[] {
    this.#sync();
    return this.#children.get(arn) ?? [];
  }

  /**
   * Stores what was pushed onto `options.recoveryPoints` since the last look (e.g. by a backup
   * job); an ARN stored already (a copy recorded by `addCopy`) is skipped.
   */
  #sync(): void {
    const given = this.#options.recoveryPoints;
    while (this.#synced < given.length) {
      const fixture = given[this.#synced++];
      if (!this.#byArn.has(fixture.arn)) this.#store({ fixture, seq: this.#points.length });
    }
  }

  #store(point: StoredPoint): void {
    const { fixture } = point;
    if (this.#byArn.has(fixture.arn)) {
      throw new Error(`emulator: recovery point ${fixture.arn} exists already`);
    }
    this.#points.push(point);
    this.#byArn.set(fixture.arn, point);
    const parent = fixture.parentRecoveryPointArn;
    if (parent !== undefined) {
      const siblings = this.#children.get(parent);
      if (siblings) siblings.push(fixture);
      else this.#children.set(parent, [fixture]);
    }
  }

  #visible(point: StoredPoint, now: number): boolean {
    return !point.deleted && (point.availableFromMs === undefined || point.availableFromMs <= now);
  }

  #find(vaultName: string, arn: string, now: number): StoredPoint {
    this.#sync();
    const point = this.#byArn.get(arn);
    if (!point || point.fixture.backupVaultName !== vaultName || !this.#visible(point, now)) {
      throw new ApiError(
        "ResourceNotFoundException",
        `Recovery point ${arn} was not found in backup vault ${vaultName}.`,
        { context: arn },
      );
    }
    return point;
  }

  #ownVaultArns(): string[] {
    return this.#options.vaults.filter((v) => {
      const parsed = parseArn(v);
      return parsed?.region === this.#options.region &&
        parsed.accountId === this.#options.accountId;
    });
  }

  #vaultView(arn: string): BackupVault {
    const name = parseArn(arn)!.resource.replace(/^backup-vault:/, "");
    const now = this.#now();
    this.#sync();
    return {
      BackupVaultName: name,
      BackupVaultArn: arn,
      VaultType: "BACKUP_VAULT",
      CreationDate: VAULT_CREATION_MS / 1000,
      EncryptionKeyArn: this.#keyArn(),
      NumberOfRecoveryPoints:
        this.#points.filter((p) => p.fixture.backupVaultName === name && this.#visible(p, now))
          .length,
      Locked: false,
    };
  }

  #keyArn(): string {
    const { region, accountId } = this.#options;
    return `arn:aws:kms:${region}:${accountId}:key/00000000-0000-4000-8000-000000000000`;
  }

  #recoveryPointView(point: StoredPoint, now: number): RecoveryPoint {
    const rp = point.fixture;
    const created = creationMs(rp);
    const expired = point.deleteAtMs !== undefined && point.deleteAtMs <= now;
    const view: RecoveryPoint = {
      RecoveryPointArn: rp.arn,
      BackupVaultName: rp.backupVaultName,
      BackupVaultArn: this.sourceVaultArn(rp.backupVaultName),
      ResourceArn: rp.resourceArn,
      ResourceType: rp.resourceType,
      Status: expired ? "EXPIRED" : rp.status ?? "COMPLETED",
      CreationDate: created / 1000,
      CompletionDate: (created + 600_000) / 1000,
      BackupSizeInBytes: rp.backupSizeInBytes,
      IamRoleArn:
        `arn:aws:iam::${this.#options.accountId}:role/service-role/AWSBackupDefaultServiceRole`,
      IsEncrypted: true,
      EncryptionKeyArn: this.#keyArn(),
      IsParent: this.children(rp.arn).length > 0,
      VaultType: "BACKUP_VAULT",
    };
    const sourceVault = point.sourceBackupVaultArn ?? rp.sourceBackupVaultArn;
    if (sourceVault !== undefined) view.SourceBackupVaultArn = sourceVault;
    if (rp.resourceName !== undefined) view.ResourceName = rp.resourceName;
    if (rp.parentRecoveryPointArn !== undefined) {
      view.ParentRecoveryPointArn = rp.parentRecoveryPointArn;
    }
    if (rp.backupPlanId !== undefined) view.CreatedBy = { BackupPlanId: rp.backupPlanId };
    const cold = rp.moveToColdStorageAtMs ??
      (rp.storageClass === "COLD" || rp.storageClass === "DELETED"
        ? created + 7 * 86_400_000
        : undefined);
    if (cold !== undefined || point.deleteAtMs !== undefined) {
      view.CalculatedLifecycle = {
        ...(cold === undefined ? {} : { MoveToColdStorageAt: cold / 1000 }),
        ...(point.deleteAtMs === undefined ? {} : { DeleteAt: point.deleteAtMs / 1000 }),
      };
    }
    return view;
  }
}

/** A recovery point's creation time, epoch ms. */
export function creationMs(rp: RecoveryPointFixture): number {
  return rp.creationDateMs ?? DEFAULT_RECOVERY_POINT_CREATION_MS;
}
