/** Runs autocannon against one URL: a short warm-up that is thrown away, then the measured run. */
import autocannon from 'autocannon'

export interface LoadOptions {
  connections: number
  warmupSeconds: number
  durationSeconds: number
  headers?: Record<string, string>
}

export interface LoadSummary {
  url: string
  connections: number
  durationSeconds: number
  /** Mean requests a second over the measured run. */
  requestsPerSecond: number
  totalRequests: number
  /** Mean bytes a second of response bodies and headers. */
  bytesPerSecond: number
  latencyMs: { p50: number; p97_5: number; p99: number; max: number; mean: number }
  non2xx: number
  errors: number
  timeouts: number
  /** True when every response was 2xx with no errors or time-outs (otherwise the figures mean little). */
  clean: boolean
}

export async function measure(url: string, options: LoadOptions): Promise<LoadSummary> {
  const common = { url, connections: options.connections, headers: options.headers ?? {} }
  if (options.warmupSeconds > 0) await autocannon({ ...common, duration: options.warmupSeconds })
  const result = await autocannon({ ...common, duration: options.durationSeconds })
  return {
    url,
    connections: options.connections,
    durationSeconds: result.duration,
    requestsPerSecond: result.requests.average,
    totalRequests: result.requests.total,
    bytesPerSecond: result.throughput.average,
    latencyMs: {
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    clean: result.non2xx === 0 && result.errors === 0 && result.timeouts === 0 && result.requests.total > 0,
  }
}
