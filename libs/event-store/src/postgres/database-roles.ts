import type { ClientBase } from 'pg';

interface LoginFacts {
  login: string;
  acting_as: string;
  superuser: boolean;
  createrole: boolean;
  superuser_roles: string[];
  owner: string;
  owner_member: boolean;
  write_all_data_member: boolean;
  login_writes_events: boolean;
  role_writes_events: boolean;
  schema: string;
  creates_in_schema: boolean;
}

/**
 * What is wrong with the connection `client` for a role that must not touch the log except
 * through `sunlight_append`: empty when nothing is. It must not be or become a superuser or the
 * log's owner (by SET ROLE, which membership allows, or by making itself a member, which
 * CREATEROLE allows), hold any write on `events`, or create objects in the schema where
 * `sunlight_append` resolves names. Checked at start-up for every login the app uses, whether
 * generated or given by a DBA, so a mistake stops the start instead of silently widening rights.
 */
export async function loginProblems(client: ClientBase): Promise<string[]> {
  const { rows } = await client.query<LoginFacts>(`
    SELECT session_user AS login, current_user AS acting_as,
           r.rolsuper AS superuser, r.rolcreaterole AS createrole,
           ARRAY(SELECT s.rolname::text FROM pg_roles s
                  WHERE s.rolsuper AND s.rolname <> session_user
                    AND pg_has_role(session_user, s.oid, 'MEMBER')) AS superuser_roles,
           pg_get_userbyid(c.relowner) AS owner,
           pg_has_role(session_user, c.relowner, 'MEMBER') AS owner_member,
           pg_has_role(session_user, 'pg_write_all_data', 'MEMBER') AS write_all_data_member,
           has_table_privilege(session_user, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE') AS login_writes_events,
           has_table_privilege(current_user, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE') AS role_writes_events,
           n.nspname AS schema,
           has_schema_privilege(session_user, c.relnamespace, 'CREATE') AS creates_in_schema
      FROM pg_roles r, pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE r.rolname = session_user AND c.oid = 'events'::regclass`);
  const facts = rows[0];
  if (facts === undefined) return ['the log (table events) is not there to check against'];
  const problems: string[] = [];
  const login = `login ${facts.login}`;
  if (facts.superuser) problems.push(`${login} is a superuser`);
  if (facts.superuser_roles.length > 0)
    problems.push(`${login} is a member of the superuser ${facts.superuser_roles.join(', ')}`);
  if (facts.createrole)
    problems.push(`${login} may create roles, and so make itself a member of any other`);
  if (facts.owner_member && !facts.superuser)
    problems.push(`${login} is a member of ${facts.owner}, the owner of the log`);
  if (facts.write_all_data_member) problems.push(`${login} is a member of pg_write_all_data`);
  if (facts.login_writes_events || facts.role_writes_events)
    problems.push(`${login} (acting as ${facts.acting_as}) may write the events table directly`);
  if (facts.creates_in_schema)
    problems.push(
      `${login} may create objects in schema ${facts.schema}, where sunlight_append looks up names ` +
        `(REVOKE CREATE ON SCHEMA ${facts.schema} FROM PUBLIC)`,
    );
  return problems;
}
