import { createServer } from 'node:net'

/** A TCP port on loopback that nothing listens on now, for a server process a test starts. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.unref()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      if (address === null || typeof address === 'string') {
        probe.close()
        reject(new Error('could not find a free port'))
        return
      }
      probe.close(() => {
        resolve(address.port)
      })
    })
  })
}
