/**
 * The signed-in directory pages (issue 4): the council's services in a filterable, sortable list,
 * a service in full, adding and changing services, weekly sessions, and the history of changes.
 * Commissioners and analysts see and change everything; a provider sees and changes only the
 * services of organisations theirs owns, and anything else is a 404 (it does not exist for them).
 * Changes go through the repository, which validates, versions, records history and audits them.
 */
import { eq } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { directoryOrganisations } from '../../../db/schema/index.js'
import type { DbOrTx } from '../../../platform/db/index.js'
import { HttpError, notFound } from '../../../platform/errors.js'
import type { FormErrors } from '../../../platform/forms.js'
import { parseQuery } from '../../../platform/forms.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { type FeatureCode, featureLabel } from '../../../lib/taxonomy.js'
import { compareSessions, type Organisation, type ServiceRecord } from '../model.js'
import {
  ConcurrentEditError,
  DirectoryPermissionError,
  DirectoryValidationError,
  type HistoryEntry,
  loadDirectory,
  loadExampleServiceIds,
  loadServiceInput,
  saveService,
  type ServiceInput,
  serviceHistory,
} from '../repository.js'
import {
  parseDeleteSessionForm,
  parseServiceForm,
  parseSessionForm,
  problemsToErrors,
  serviceFormValues,
} from './forms.js'
import { registerDirectoryImportRoutes } from './import-routes.js'
import { cachedListBody } from './list-cache.js'
import {
  type DirectoryFilters,
  directoryPaths as paths,
  featureGroupItems,
  filterPanel,
  filterQuery,
  filtersFrom,
  historyView,
  listQuerySchema,
  listRows,
  serviceTypeItems,
  serviceView,
  sortHeaders,
  statusItems,
  substanceItems,
} from './presenter.js'
import { actorFor, type DirectoryViewer, directoryViewer, mayUse } from './viewer.js'

const V = 'features/directory/web/views'
const access = { roles: ['commissioner', 'analyst', 'provider'] as const }
const serviceRoute = { config: { access, tenantResource: 'directory-service' } }

interface DirectoryOrganisationRow {
  id: string
  name: string
  owner: string | null
  data: Organisation
}

async function directoryOrganisationRows(db: DbOrTx, scope: TenantScope): Promise<DirectoryOrganisationRow[]> {
  const rows = await db
    .select({
      id: directoryOrganisations.id,
      name: directoryOrganisations.name,
      owner: directoryOrganisations.ownerOrganisationId,
      data: directoryOrganisations.data,
    })
    .from(directoryOrganisations)
    .where(eq(directoryOrganisations.tenantId, scope.tenantId))
  return rows
    .map((r) => ({ id: r.id, name: r.name, owner: r.owner, data: r.data as unknown as Organisation }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'))
}

async function isExampleService(db: DbOrTx, scope: TenantScope, id: string): Promise<boolean> {
  return (await loadExampleServiceIds(db, scope)).has(id)
}

function toRecord(input: ServiceInput, organisation: Organisation): ServiceRecord {
  return {
    service: input.service,
    organisation,
    places: input.places.map((p) => ({
      serviceAtLocation: { id: p.serviceAtLocationId, serviceId: input.service.id, locationId: p.location.id },
      location: p.location,
      schedules: [...p.schedules].sort(compareSessions),
    })),
  }
}

const detailQuerySchema = z.strictObject({
  done: z.enum(['created', 'updated', 'unchanged', 'session-added', 'session-removed', 'session-gone']).optional(),
  located: z
    .string()
    .regex(/^[A-Z0-9]{2,4}$/)
    .optional(),
})

const banners: Record<string, string> = {
  created: 'Service added',
  updated: 'Service updated',
  unchanged: 'No changes to save',
  'session-added': 'Session added',
  'session-removed': 'Session removed',
  'session-gone': 'That session had already been removed',
}

/**
 * What the standards assessment says against a service's entry (src/app.ts wires it in, so the
 * directory imports nothing of the standards feature): standards its latest verified return found
 * not met although the entry lists the matching feature.
 */
export type StandardsFlagSource = (
  db: DbOrTx,
  scope: TenantScope,
  serviceId: string,
  features: readonly string[],
) => Promise<{ standardId: string; title: string; features: string[]; roundTitle: string; returnHref: string }[]>

export function registerDirectoryWebRoutes(
  app: FastifyInstance,
  deps: { standardsFlags?: StandardsFlagSource } = {},
): void {
  const { db } = app

  /** The service with its organisation, if the viewer may see it; otherwise a 404. */
  const visibleService = async (viewer: DirectoryViewer, id: string) => {
    const input = await loadServiceInput(db, viewer.scope, id)
    if (!input) throw notFound('service')
    const orgs = await directoryOrganisationRows(db, viewer.scope)
    const org = orgs.find((o) => o.id === input.service.organisationId)
    if (!org || !mayUse(viewer, org.owner)) throw notFound('service')
    return { input, org, orgs }
  }

  const usableOrganisations = (viewer: DirectoryViewer, orgs: DirectoryOrganisationRow[]) =>
    orgs.filter((o) => mayUse(viewer, o.owner))

  // ---- The list ----

  app.get(paths.list, { config: { access } }, async (request, reply) => {
    const viewer = await directoryViewer(db, request)
    const query = parseQuery(listQuerySchema, request.query)
    const filters = filtersFrom(query)
    // The page's content depends only on the council's directory (its version), whose services the
    // viewer may see (all, or their organisations') and the filters: kept per those (list-cache.ts).
    // Commissioners also get the links to what an import left to review.
    const reviews = viewer.role === 'commissioner'
    const bodyHtml = await cachedListBody(
      db,
      viewer.scope,
      [
        viewer.seesAll ? (reviews ? 'all+review' : 'all') : `own:${viewer.providerOrganisationIds.join(',')}`,
        filterQuery(filters),
      ].join('|'),
      () => listBody(viewer, filters, reviews),
    )
    return reply.view(`${V}/list.njk`, { pageTitle: 'Service map', bodyHtml })
  })

  async function listBody(viewer: DirectoryViewer, filters: DirectoryFilters, reviews: boolean): Promise<string> {
    const [directory, orgs, examples] = await Promise.all([
      loadDirectory(db, viewer.scope, { publishedOnly: false }),
      directoryOrganisationRows(db, viewer.scope),
      loadExampleServiceIds(db, viewer.scope),
    ])
    const usable = new Set(usableOrganisations(viewer, orgs).map((o) => o.id))
    const visible = directory.services.filter((s) => usable.has(s.organisationId))
    const visibleIds = new Set(visible.map((s) => s.id))
    const { rows, visibleCount } = listRows({
      directory,
      visibleServiceIds: visibleIds,
      editableServiceIds: visibleIds,
      exampleServiceIds: examples,
      filters,
    })
    const areaNames = [...new Set(visible.flatMap((s) => s.serviceAreas.map((a) => a.name)))].sort((a, b) =>
      a.localeCompare(b, 'en-GB'),
    )
    const orgOptions = orgs.filter((o) => usable.has(o.id)).map((o) => ({ id: o.id, name: o.name }))
    return app.renderFragment(`${V}/_list-body.njk`, {
      councilName: viewer.scope.councilName,
      rows,
      visibleCount,
      filters,
      panel: filterPanel(filters, { areas: areaNames, organisations: orgOptions }),
      headers: sortHeaders(filters),
      anyExample: rows.some((r) => r.isExample),
      canAdd: orgOptions.length > 0,
      seesAll: viewer.seesAll,
      reviews,
      sortHidden:
        filters.sort !== 'name' || filters.order !== 'asc' ? { sort: filters.sort, order: filters.order } : null,
    })
  }

  // ---- Adding and changing a service ----

  const renderServiceForm = (
    reply: FastifyReply,
    opts: {
      viewer: DirectoryViewer
      id?: string
      name?: string
      values: Record<string, unknown>
      errors?: FormErrors
      orgs: DirectoryOrganisationRow[]
      otherPlaces?: number
      status?: number
    },
  ) => {
    const usable = usableOrganisations(opts.viewer, opts.orgs)
    return reply.code(opts.status ?? 200).view(`${V}/service-form.njk`, {
      pageTitle: opts.id ? `Change ${opts.name ?? 'service'}` : 'Add a service',
      editing: Boolean(opts.id),
      action: opts.id ? paths.service(opts.id) : paths.services,
      back: opts.id ? paths.service(opts.id) : paths.list,
      values: opts.values,
      organisationItems: [
        {
          value: '',
          text: 'Choose an organisation',
          selected: opts.values.organisationId === undefined || opts.values.organisationId === '',
        },
        ...usable.map((o) => ({ value: o.id, text: o.name, selected: opts.values.organisationId === o.id })),
      ],
      canAdd: usable.length > 0,
      serviceTypeItems: serviceTypeItems(opts.values.serviceType),
      substanceItems: substanceItems(opts.values),
      featureGroups: featureGroupItems(opts.values),
      statusItems: statusItems(opts.values.status),
      otherPlaces: opts.otherPlaces ?? 0,
      ...(opts.errors ? { errors: opts.errors } : {}),
    })
  }

  app.get(paths.newService, { config: { access } }, async (request, reply) => {
    const viewer = await directoryViewer(db, request)
    const orgs = await directoryOrganisationRows(db, viewer.scope)
    return renderServiceForm(reply, { viewer, values: { status: 'draft' }, orgs })
  })

  app.post(paths.services, { config: { access } }, async (request, reply) => {
    const viewer = await directoryViewer(db, request)
    const orgs = await directoryOrganisationRows(db, viewer.scope)
    const usable = usableOrganisations(viewer, orgs)
    const form = parseServiceForm(request.body, {
      existing: null,
      existingLocation: null,
      existingServiceAtLocationId: null,
      organisationIds: usable.map((o) => o.id),
      council: { name: viewer.scope.councilName, areaCode: viewer.scope.areaCode },
    })
    if (!form.ok)
      return renderServiceForm(reply, { viewer, values: form.values, errors: form.errors, orgs, status: 400 })
    const { service, location, serviceAtLocationId, locatedFromDistrict } = form.data
    const owner = orgs.find((o) => o.id === service.organisationId)?.owner
    try {
      await saveService(
        db,
        viewer.scope,
        actorFor(viewer, owner),
        { service, places: [{ location, serviceAtLocationId, schedules: [] }] },
        null,
      )
    } catch (error) {
      if (error instanceof DirectoryValidationError) {
        return renderServiceForm(reply, {
          viewer,
          values: { ...(request.body as Record<string, unknown>) },
          errors: problemsToErrors(error.problems, 'service'),
          orgs,
          status: 400,
        })
      }
      if (error instanceof DirectoryPermissionError) throw notFound('organisation')
      throw error
    }
    const located = locatedFromDistrict ? `&located=${locatedFromDistrict.outward}` : ''
    return reply.redirect(`${paths.service(service.id)}?done=created${located}`, 303)
  })

  app.get('/directory/services/:id', serviceRoute, async (request, reply) => {
    const viewer = await directoryViewer(db, request)
    const { id } = request.params as { id: string }
    const query = parseQuery(detailQuerySchema, request.query)
    const { input, org } = await visibleService(viewer, id)
    const view = serviceView(toRecord(input, org.data))
    const firstPlace = view.places[0]
    return reply.view(`${V}/service.njk`, {
      pageTitle: view.name,
      service: view,
      paths: {
        edit: paths.edit(id),
        newSession: paths.newSession(id),
        history: paths.history(id),
        list: paths.list,
      },
      deletePath: (sessionId: string) => paths.deleteSession(id, sessionId),
      isExample: await isExampleService(db, viewer.scope, id),
      standardsFlags: (deps.standardsFlags
        ? await deps.standardsFlags(db, viewer.scope, id, input.service.features)
        : []
      ).map((f) => ({
        ...f,
        features: f.features.map((code) => featureLabel(code as FeatureCode)).join(', '),
      })),
      banner: query.done ? banners[query.done] : null,
      bannerSuccess: query.done !== 'unchanged',
      located: query.located && firstPlace ? { outward: query.located, place: firstPlace.name } : null,
    })
  })

  app.get('/directory/services/:id/edit', serviceRoute, async (request, reply) => {
    const viewer = await directoryViewer(db, request)
    const { id } = request.params as { id: string }
    const { input, orgs } = await visibleService(viewer, id)
    const first = input.places[0]
    return renderServiceForm(reply, {
      viewer,
      id,
      name: input.service.name,
      values: serviceFormValues(input.service, first?.location ?? null),
      orgs,
      otherPlaces: Math.max(0, input.places.length - 1),
    })
  })

  const renderConflict = async (reply: FastifyReply, viewer: DirectoryViewer, id: string, name: string) => {
    const history = await serviceHistory(db, viewer.scope, id)
    const latest: HistoryEntry | undefined = history[0]
    return reply.code(409).view(`${V}/conflict.njk`, {
      pageTitle: 'Someone else changed this service since you opened it',
      serviceTitle: name,
      latestPath: paths.service(id),
      editPath: paths.edit(id),
      latest: latest
        ? { who: latest.changedByLabel, role: latest.changedByRole, at: latest.changedAt, version: latest.version }
        : null,
    })
  }

  app.post('/directory/services/:id', serviceRoute, async (request, reply) => {
    const viewer = await directoryViewer(db, request)
    const { id } = request.params as { id: string }
    const { input, orgs } = await visibleService(viewer, id)
    const [first, ...others] = input.places
    const usable = usableOrganisations(viewer, orgs)
    const form = parseServiceForm(request.body, {
      existing: input.service,
      existingLocation: first?.location ?? null,
      existingServiceAtLocationId: first?.serviceAtLocationId ?? null,
      organisationIds: usable.map((o) => o.id),
      council: { name: viewer.scope.councilName, areaCode: viewer.scope.areaCode },
    })
    const render = (values: Record<string, unknown>, errors: FormErrors) =>
      renderServiceForm(reply, {
        viewer,
        id,
        name: input.service.name,
        values,
        errors,
        orgs,
        otherPlaces: others.length,
        status: 400,
      })
    if (!form.ok) {
      // A stale version is told as such, whatever else is wrong with the form.
      const version = Number((form.values as { version?: unknown }).version)
      if (Number.isInteger(version) && version >= 1 && version !== input.service.version) {
        return renderConflict(reply, viewer, id, input.service.name)
      }
      return render(form.values, form.errors)
    }
    const { service, location, serviceAtLocationId, expectedVersion, locatedFromDistrict } = form.data
    if (expectedVersion !== input.service.version) return renderConflict(reply, viewer, id, input.service.name)
    const owner = orgs.find((o) => o.id === input.service.organisationId)?.owner
    let unchanged: boolean
    try {
      const saved = await saveService(
        db,
        viewer.scope,
        actorFor(viewer, owner),
        {
          service,
          places: [{ location, serviceAtLocationId, schedules: first?.schedules ?? [] }, ...others],
        },
        expectedVersion,
      )
      unchanged = saved.unchanged === true
    } catch (error) {
      if (error instanceof ConcurrentEditError) return renderConflict(reply, viewer, id, input.service.name)
      if (error instanceof DirectoryValidationError) {
        return render({ ...(request.body as Record<string, unknown>) }, problemsToErrors(error.problems, 'service'))
      }
      if (error instanceof DirectoryPermissionError) throw notFound('service')
      throw error
    }
    const located = locatedFromDistrict ? `&located=${locatedFromDistrict.outward}` : ''
    return reply.redirect(`${paths.service(id)}?done=${unchanged ? 'unchanged' : 'updated'}${located}`, 303)
  })

  // ---- Sessions ----

  const renderSessionForm = (
    reply: FastifyReply,
    opts: {
      input: ServiceInput
      values: Record<string, unknown>
      errors?: FormErrors
      status?: number
    },
  ) => {
    const id = opts.input.service.id
    return reply.code(opts.status ?? 200).view(`${V}/session-form.njk`, {
      pageTitle: `Add a session to ${opts.input.service.name}`,
      // Not 'serviceName', which the layout's header uses for the product name.
      serviceTitle: opts.input.service.name,
      action: paths.sessions(id),
      back: paths.service(id),
      editPath: paths.edit(id),
      values: opts.values,
      placeItems: opts.input.places.map((p) => ({
        value: p.serviceAtLocationId,
        text: p.location.name,
        hint: { text: [p.location.addressLine1, p.location.town, p.location.postcode].join(', ') },
        checked:
          opts.values.place === p.serviceAtLocationId ||
          (opts.input.places.length === 1 && (opts.values.place === undefined || opts.values.place === '')),
      })),
      hasPlaces: opts.input.places.length > 0,
      ...(opts.errors ? { errors: opts.errors } : {}),
    })
  }

  app.get('/directory/services/:id/sessions/new', serviceRoute, async (request, reply) => {
    const viewer = await directoryViewer(db, request)
    const { id } = request.params as { id: string }
    const { input } = await visibleService(viewer, id)
    return renderSessionForm(reply, { input, values: { version: String(input.service.version) } })
  })

  app.post('/directory/services/:id/sessions', serviceRoute, async (request, reply) => {
    const viewer = await directoryViewer(db, request)
    const { id } = request.params as { id: string }
    const { input, org } = await visibleService(viewer, id)
    const form = parseSessionForm(request.body, {
      places: input.places.map((p) => ({ serviceAtLocationId: p.serviceAtLocationId, schedules: p.schedules })),
    })
    if (!form.ok) {
      const version = Number((form.values as { version?: unknown }).version)
      if (Number.isInteger(version) && version >= 1 && version !== input.service.version) {
        return renderConflict(reply, viewer, id, input.service.name)
      }
      return renderSessionForm(reply, { input, values: form.values, errors: form.errors, status: 400 })
    }
    const { schedule, expectedVersion } = form.data
    if (expectedVersion !== input.service.version) return renderConflict(reply, viewer, id, input.service.name)
    try {
      await saveService(
        db,
        viewer.scope,
        actorFor(viewer, org.owner),
        {
          service: input.service,
          places: input.places.map((p) =>
            p.serviceAtLocationId === schedule.serviceAtLocationId
              ? { ...p, schedules: [...p.schedules, schedule] }
              : p,
          ),
        },
        expectedVersion,
      )
    } catch (error) {
      if (error instanceof ConcurrentEditError) return renderConflict(reply, viewer, id, input.service.name)
      if (error instanceof DirectoryValidationError) {
        return renderSessionForm(reply, {
          input,
          values: { ...(request.body as Record<string, unknown>) },
          errors: problemsToErrors(error.problems, 'session'),
          status: 400,
        })
      }
      if (error instanceof DirectoryPermissionError) throw notFound('service')
      throw error
    }
    return reply.redirect(`${paths.service(id)}?done=session-added`, 303)
  })

  app.post('/directory/services/:id/sessions/:sessionId/delete', serviceRoute, async (request, reply) => {
    const viewer = await directoryViewer(db, request)
    const { id, sessionId } = request.params as { id: string; sessionId: string }
    const { input, org } = await visibleService(viewer, id)
    const form = parseDeleteSessionForm(request.body)
    if (!form.ok) throw new HttpError(400, form.errors.summary[0]?.text ?? 'The form could not be read.')
    const holds = input.places.some((p) => p.schedules.some((s) => s.id === sessionId))
    if (!holds) return reply.redirect(`${paths.service(id)}?done=session-gone`, 303)
    if (form.data.expectedVersion !== input.service.version) {
      return renderConflict(reply, viewer, id, input.service.name)
    }
    try {
      await saveService(
        db,
        viewer.scope,
        actorFor(viewer, org.owner),
        {
          service: input.service,
          places: input.places.map((p) => ({ ...p, schedules: p.schedules.filter((s) => s.id !== sessionId) })),
        },
        form.data.expectedVersion,
      )
    } catch (error) {
      if (error instanceof ConcurrentEditError) return renderConflict(reply, viewer, id, input.service.name)
      if (error instanceof DirectoryPermissionError) throw notFound('service')
      throw error
    }
    return reply.redirect(`${paths.service(id)}?done=session-removed`, 303)
  })

  // ---- History ----

  app.get('/directory/services/:id/history', serviceRoute, async (request, reply) => {
    const viewer = await directoryViewer(db, request)
    const { id } = request.params as { id: string }
    const { input } = await visibleService(viewer, id)
    return reply.view(`${V}/history.njk`, {
      pageTitle: `History of ${input.service.name}`,
      serviceTitle: input.service.name,
      servicePath: paths.service(id),
      entries: historyView(await serviceHistory(db, viewer.scope, id), viewer.seesAll),
      seesAll: viewer.seesAll,
    })
  })

  // Uploading an Open Referral UK file (commissioners and analysts), beside these pages.
  registerDirectoryImportRoutes(app)
}
