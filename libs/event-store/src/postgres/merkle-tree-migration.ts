/**
 * Migration 11: the log's Merkle tree, its signed checkpoints and the witnesses' cosignatures
 * (libs/transparency). Everything here is derived from the log or signed by keys kept outside
 * the database, so it can be rebuilt or re-checked; nothing in it is trusted without a check.
 */
export function merkleTreeMigrationSql(appRole: string, projectorRole: string): string {
  return /* sql */ `
      -- Every complete perfect subtree of the RFC 6962 tree over the log, leaves included: the
      -- node (level, index) covers leaves [index·2^level, (index+1)·2^level), and its hash never
      -- changes once written. Any root or proof for any size up to merkle_tree.size is a few
      -- dozen of these rows, read by primary key.
      CREATE TABLE merkle_nodes (
        level smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
        index bigint   NOT NULL CHECK (index >= 0),
        hash  bytea    NOT NULL CHECK (length(hash) = 32),
        PRIMARY KEY (level, index)
      );
      -- How far the tree has followed the log (one row): its size is the position of the last
      -- event integrated, chain_hash that event's chain hash, checked against the next one.
      CREATE TABLE merkle_tree (
        id         boolean     PRIMARY KEY DEFAULT true CHECK (id),
        size       bigint      NOT NULL CHECK (size >= 0),
        chain_hash bytea       NOT NULL CHECK (length(chain_hash) = 32),
        updated_at timestamptz NOT NULL
      );
      INSERT INTO merkle_tree (id, size, chain_hash, updated_at)
        VALUES (true, 0, decode(repeat('00', 32), 'hex'), now());
      -- Signed checkpoints (C2SP tlog-checkpoint notes), one per tree size.
      CREATE TABLE log_checkpoints (
        size       bigint      PRIMARY KEY CHECK (size >= 0),
        root_hash  bytea       NOT NULL CHECK (length(root_hash) = 32),
        note       text        NOT NULL,
        signed_at  timestamptz NOT NULL
      );
      -- Witness cosignatures (C2SP tlog-cosignature lines) of stored checkpoints: the latest of
      -- each witness per checkpoint.
      CREATE TABLE log_cosignatures (
        size           bigint      NOT NULL REFERENCES log_checkpoints (size),
        witness        text        NOT NULL,
        signature_line text        NOT NULL,
        received_at    timestamptz NOT NULL,
        PRIMARY KEY (size, witness)
      );

      -- Nodes and checkpoints are written once; a change is refused for every role, as for events.
      CREATE TRIGGER merkle_nodes_no_update BEFORE UPDATE ON merkle_nodes
        FOR EACH ROW EXECUTE FUNCTION sunlight_refuse_event_change();
      CREATE TRIGGER merkle_nodes_no_delete BEFORE DELETE ON merkle_nodes
        FOR EACH ROW EXECUTE FUNCTION sunlight_refuse_event_change();
      CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints
        FOR EACH ROW EXECUTE FUNCTION sunlight_refuse_event_change();
      CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints
        FOR EACH ROW EXECUTE FUNCTION sunlight_refuse_event_change();

      -- The integrator follows the log as the projections' role; the API reads the tree and
      -- stores the cosignatures witnesses send.
      GRANT SELECT ON merkle_nodes, merkle_tree, log_checkpoints, log_cosignatures TO ${appRole}, ${projectorRole};
      GRANT INSERT ON merkle_nodes, log_checkpoints TO ${projectorRole};
      GRANT UPDATE ON merkle_tree TO ${projectorRole};
      GRANT INSERT, UPDATE ON log_cosignatures TO ${appRole};
  `;
}
