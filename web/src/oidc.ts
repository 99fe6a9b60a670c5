import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import { STAFF_ROLES, type ConsoleConfig, type Session, type StaffRole } from './types';

type OidcConfig = NonNullable<ConsoleConfig['oidc']>;

let manager: UserManager | undefined;

/** The console as an OpenID Connect client: authorization code flow with PKCE (oidc-client-ts's default). */
export function userManager(cfg: OidcConfig): UserManager {
  manager ??= new UserManager({
    authority: cfg.issuer,
    client_id: cfg.clientId,
    redirect_uri: `${location.origin}/console/callback`,
    post_logout_redirect_uri: `${location.origin}/console/`,
    response_type: 'code',
    scope: cfg.scopes,
    ...(cfg.resource && {
      extraQueryParams: { resource: cfg.resource },
      extraTokenParams: { resource: cfg.resource },
    }),
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    automaticSilentRenew: false,
  });
  return manager;
}

/** The session of a signed-in OIDC user; role and department from the configured ID token claims. */
export function sessionOf(user: User, cfg: OidcConfig): Session {
  const claims = user.profile as Record<string, unknown>;
  const role = claims[cfg.roleClaim];
  const dept = claims[cfg.deptClaim];
  if (typeof role !== 'string' || !(STAFF_ROLES as readonly string[]).includes(role)) {
    throw new Error(`claim "${cfg.roleClaim}" = ${JSON.stringify(role)}`);
  }
  return {
    token: user.access_token,
    role: role as StaffRole,
    ...(typeof dept === 'string' && { dept }),
    sub: user.profile.sub,
    ...(typeof user.profile.name === 'string' && { name: user.profile.name }),
    expiresAt: new Date((user.expires_at ?? Date.now() / 1000 + 3600) * 1000).toISOString(),
    via: 'oidc',
  };
}
