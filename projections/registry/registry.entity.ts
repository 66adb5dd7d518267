import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RegistryEntry } from './registry.projection';

/** The registry projection's table, read through TypeORM; written only by the ProjectionRunner. */
@Entity({ name: 'registry_entries' })
export class RegistryEntryRow {
  /** The agency's USCC. */
  @PrimaryColumn('text')
  key!: string;

  /** The agency's USCC as it stands (corrected: ADR 018); `key` stays the one it registered under. */
  @Column('text')
  uscc!: string;

  @Column('jsonb')
  doc!: RegistryEntry;

  @Column('bigint', { name: 'last_position' })
  lastPosition!: string;

  @Column('text')
  name!: string;

  @Column('text')
  jurisdiction!: string;

  @Column('text')
  status!: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
