// Proves that the SCRAM-SHA-256 verifier sent for a generated login is byte for byte the one PostgreSQL itself stores for that password and salt, and that a URL takes a login's credentials.
import { loginOf, scramSha256Verifier, withLogin } from './login-roles';

describe('login roles', () => {
  it('computes the verifier PostgreSQL stores (vector from PostgreSQL 15, scram_iterations 4096)', () => {
    // `CREATE ROLE … PASSWORD 'correct-horse-battery-staple'` with password_encryption =
    // scram-sha-256, read back from pg_authid.rolpassword.
    const stored =
      'SCRAM-SHA-256$4096:I+cYAbRGWXp9lCXzPHcC8A==$adRWtblr8Z5uwze9Cd9rJOnP7gCyVEgGXU8m97oYZlY=:l0/2WcW8JIqUND1Lc4aSOnBTKgyT8CGijPkfzIPQdf4=';
    const salt = Buffer.from('I+cYAbRGWXp9lCXzPHcC8A==', 'base64');
    expect(scramSha256Verifier('correct-horse-battery-staple', salt, 4096)).toBe(stored);
    expect(scramSha256Verifier('correct-horse-battery-stapler', salt, 4096)).not.toBe(stored);
  });

  it('salts every verifier afresh', () => {
    expect(scramSha256Verifier('same')).not.toBe(scramSha256Verifier('same'));
  });

  it('puts a login into a URL and reads it back', () => {
    const url = withLogin('postgres://postgres:sunlight@127.0.0.1:5432/sunlight?sslmode=disable', {
      user: 'sunlight_app_login_0a1b',
      password: 'p/q+r=',
    });
    expect(url).toBe(
      'postgres://sunlight_app_login_0a1b:p%2Fq%2Br%3D@127.0.0.1:5432/sunlight?sslmode=disable',
    );
    expect(loginOf(url)).toBe('sunlight_app_login_0a1b');
    expect(loginOf('postgres://127.0.0.1/sunlight')).toBeUndefined();
  });
});
