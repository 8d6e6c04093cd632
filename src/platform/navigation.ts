/**
 * Service navigation: only capabilities that exist, and only those the user's roles may open.
 * A new capability adds one entry here (and its feature folder).
 */
import type { Role } from '../db/schema/index.js'

export interface NavItem {
  text: string
  href: string
  roles: readonly Role[] | 'all'
}

export const navItems: NavItem[] = [
  { text: 'Home', href: '/home', roles: 'all' },
  { text: 'Needs assessment', href: '/needs', roles: ['commissioner', 'analyst'] },
  { text: 'Service map', href: '/directory', roles: ['commissioner', 'analyst', 'provider'] },
  { text: 'Standards', href: '/standards', roles: ['commissioner', 'analyst', 'provider', 'panel_member'] },
  { text: 'Actions', href: '/actions', roles: ['commissioner', 'analyst', 'provider'] },
  { text: 'Users', href: '/admin/users', roles: ['admin'] },
  { text: 'Partnerships', href: '/partnerships', roles: ['admin', 'commissioner'] },
  { text: 'Audit trail', href: '/audit', roles: ['commissioner', 'admin'] },
  // Until the panel's own pages exist, panel members and partners see the services as the public does.
  { text: 'Public support search', href: '/support', roles: ['panel_member', 'partner'] },
]

export function navigationFor(
  roles: readonly Role[],
  currentUrl: string,
): { text: string; href: string; active: boolean }[] {
  const path = currentUrl.split('?')[0] ?? ''
  return navItems
    .filter((item) => item.roles === 'all' || item.roles.some((r) => roles.includes(r)))
    .map((item) => ({
      text: item.text,
      href: item.href,
      active: path === item.href || path.startsWith(`${item.href}/`),
    }))
}
