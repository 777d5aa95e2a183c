/**
 * The emulated account's backup vaults and recovery points: ListBackupVaults,
 * DescribeBackupVault, ListRecoveryPointsByBackupVault and DescribeRecoveryPoint, and the
 * lookups StartCopyJob needs.
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
}

/** What a {@linkcode VaultCatalog} is built from. */
export interface VaultCatalogOptions {
  region: string;
  accountId: string;
  /** Backup vault ARNs. */
  vaults: readonly string[];
  recoveryPoints: readonly RecoveryPointFixture[];
}

/** The emulated account's vaults and recovery points. */
export class VaultCatalog {
  readonly #options: VaultCatalogOptions;
  readonly #points: readonly RecoveryPointFixture[];

  constructor(options: VaultCatalogOptions) {
    this.#options = options;
    this.#points = options.recoveryPoints;
  }

  /** ARNs of every vault, own and foreign. */
  get vaultArns(): readonly string[] {
    return this.#options.vaults;
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
    const keyed = this.#points
      .map((fixture, seq) => ({ createdMs: creationMs(fixture), seq, item: fixture }))
      .filter((k) => k.item.backupVaultName === vaultName);
    const { nextToken: _t, maxResults: _m, ...filters } = query;
    const matches = (rp: RecoveryPointFixture) => {
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
      RecoveryPoints: page.items.map((rp) => this.#recoveryPointView(rp)),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  }

  /** DescribeRecoveryPoint. @throws {ApiError} `ResourceNotFoundException` */
  describeRecoveryPoint(vaultName: string, arn: string, accountId?: string): RecoveryPoint {
    this.sourceVaultArn(vaultName, accountId);
    return this.#recoveryPointView(this.recoveryPoint(vaultName, arn));
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
    const rp = this.#points.find((r) => r.arn === arn);
    if (!rp || rp.backupVaultName !== vaultName) {
      throw new ApiError(
        "ResourceNotFoundException",
        `Recovery point ${arn} was not found in backup vault ${vaultName}.`,
        { context: arn },
      );
    }
    return rp;
  }

  /** The children of a composite recovery point (none for an ordinary one). */
  children(arn: string): RecoveryPointFixture[] {
    return this.#points.filter((r) => r.parentRecoveryPointArn === arn);
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
    return {
      BackupVaultName: name,
      BackupVaultArn: arn,
      VaultType: "BACKUP_VAULT",
      CreationDate: VAULT_CREATION_MS / 1000,
      EncryptionKeyArn: this.#keyArn(),
      NumberOfRecoveryPoints: this.#points.filter((r) => r.backupVaultName === name).length,
      Locked: false,
    };
  }

  #keyArn(): string {
    const { region, accountId } = this.#options;
    return `arn:aws:kms:${region}:${accountId}:key/00000000-0000-4000-8000-000000000000`;
  }

  #recoveryPointView(rp: RecoveryPointFixture): RecoveryPoint {
    const created = creationMs(rp);
    const view: RecoveryPoint = {
      RecoveryPointArn: rp.arn,
      BackupVaultName: rp.backupVaultName,
      BackupVaultArn: this.sourceVaultArn(rp.backupVaultName),
      ResourceArn: rp.resourceArn,
      ResourceType: rp.resourceType,
      Status: rp.status ?? "COMPLETED",
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
    if (rp.resourceName !== undefined) view.ResourceName = rp.resourceName;
    if (rp.parentRecoveryPointArn !== undefined) {
      view.ParentRecoveryPointArn = rp.parentRecoveryPointArn;
    }
    if (rp.backupPlanId !== undefined) view.CreatedBy = { BackupPlanId: rp.backupPlanId };
    return view;
  }
}

/** A recovery point's creation time, epoch ms. */
export function creationMs(rp: RecoveryPointFixture): number {
  return rp.creationDateMs ?? DEFAULT_RECOVERY_POINT_CREATION_MS;
}
