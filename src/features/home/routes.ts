/** The signed-in council home page: what the council has in WTC and what each capability is for. */
import type { FastifyInstance } from 'fastify'
import { listUsers } from '../../platform/users.js'

export function registerHomeRoutes(app: FastifyInstance): void {
  app.get('/home', { config: { access: { signedIn: true } } }, async (request, reply) => {
    const user = request.currentUser
    if (!user) return reply.redirect('/sign-in', 303)
    const isAdmin = user.roles.includes('admin')
    const people = isAdmin ? await listUsers(app.db, user.scope) : []
    return reply.view('features/home/views/home.njk', {
      pageTitle: 'Home',
      peopleCount: people.filter((p) => !p.disabledAt).length,
      isAdmin,
      canSeeNeeds: user.roles.some((r) => r === 'commissioner' || r === 'analyst'),
      canSeeDirectory: user.roles.some((r) => r === 'commissioner' || r === 'analyst' || r === 'provider'),
    })
  })
}
