// A real OpenID Connect provider (panva's certified oidc-provider) for the
// test suite, on loopback only. Started by tests/oidc.py:
//
//   node server.mjs   with   OIDC_TEST_CONFIG=/path/to/config.json
//
// config.json: {"client_id", "client_secret", "jwk" (a private RSA JWK the
// tests also hold, so they can sign tokens as this provider would),
// "accounts_file"}. The accounts file maps a login name to its claims and is
// read at every sign-in, so a test changes someone's groups by rewriting it.
// Prints "listening <issuer>" once it answers.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.env.OIDC_TEST_CONFIG, 'utf8'));

function accountsNow() {
  return JSON.parse(readFileSync(config.accounts_file, 'utf8'));
}

function claimsFor(login) {
  const accounts = accountsNow();
  return { ...(accounts[login] || {}), sub: (accounts[login] || {}).sub || login };
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: config.client_id,
        client_secret: config.client_secret,
        redirect_uris: ['http://testserver/accounts/organisation/callback/'],
        post_logout_redirect_uris: ['http://testserver/accounts/login/'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [config.jwk] },
    cookies: { keys: ['test-only-cookie-key'] },
    pkce: { required: () => true },
    // Entra ID puts a tenant (tid), groups and app roles in its tokens whatever the
    // scopes; so does this provider.
    claims: {
      openid: ['sub', 'tid', 'groups', 'roles'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    // An account set to null in the accounts file has left: the provider no
    // longer finds it, so its refresh tokens are refused (invalid_grant).
    findAccount: async (ctx, id) => (accountsNow()[id] === null ? undefined : {
      accountId: id,
      claims: async () => claimsFor(id),
    }),
    // A refresh token only for the offline_access scope, and (the provider's
    // own rule, OpenID Connect Core section 11) offline_access only for a
    // request that says prompt=consent: without it the scope is dropped and
    // no refresh token comes, so the tests catch a sign-in request that
    // stops asking properly. (Entra ID and Keycloak issue it anyway.)
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
  });
  // The live server's port is chosen at run time: allow the callback and
  // the sign-in page on any loopback port (test provider only).
  const allowed = (path) => (value) => {
    const url = URL.parse(value);
    return Boolean(url)
      && ['127.0.0.1', 'localhost', 'testserver'].includes(url.hostname)
      && url.protocol === 'http:' && url.pathname === path && !url.search && !url.hash;
  };
  provider.Client.prototype.redirectUriAllowed = allowed('/accounts/organisation/callback/');
  provider.Client.prototype.postLogoutRedirectUriAllowed = allowed('/accounts/login/');
  // Quiet: oidc-provider warns at length about its development defaults.
  console.warn = () => {};
  server.on('request', provider.callback());
  console.log(`listening ${issuer}`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
