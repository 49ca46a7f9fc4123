// client.mjs drives the unmodified akismet-api npm client (pinned in
// package.json) against a local spamcheck server, the way a site that
// already uses Akismet would after pointing the client at another host.
//
// Run it with the loopback resolver preloaded, since the client puts the API
// key in the host name (KEY.localhost:PORT):
//
//	SPAMCHECK_PORT=3000 SPAMCHECK_KEY=test-key-1 SPAMCHECK_BAD_KEY=wrong \
//	  node --require ./dns-preload.cjs client.mjs
//
// SPAMCHECK_SEED optionally names a text file whose comment starting with
// "A Divorced Mom" must also be judged spam.
//
// It prints one JSON object to stdout: every step with what was expected and
// what the client returned, and the comments it submitted as feedback (so the
// caller can look for exactly those records). It exits 1 if any expectation
// failed and 2 if the environment is incomplete.

import { readFileSync } from 'node:fs'
import { AkismetClient } from 'akismet-api'

const blog = 'https://news.example.com'

// spam is a get-rich-quick comment in the style the project grew from.
const spam = {
  ip: '203.0.113.77',
  useragent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/98.0 Safari/537.36',
  referrer: 'https://news.example.com/',
  permalink: 'https://news.example.com/world/biden-putin-call',
  type: 'comment',
  date: '2022-02-13T05:12:00Z',
  name: 'Sandra Miles',
  email: 'sandra.miles1984@example.net',
  content:
    'A Single Dad Of Two Got Laid Off Last Spring, But Now He Earns 9400 Dollars ' +
    'Every Week Working From His Kitchen Table With An Online Job He Found On The ' +
    'Internet. I Did Not Believe It Either Until I Tried It Myself And Got My First ' +
    'Paycheck In 6 Days... It is really simple, just go to the home page and do the ' +
    'steps one by one, anybody can do it. Start today ---> Visit here',
}

// ham is an on-topic reader comment under the same news story.
const ham = {
  ip: '198.51.100.23',
  useragent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 12_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.3 Safari/605.1.15',
  referrer: 'https://news.example.com/world/biden-putin-call',
  permalink: 'https://news.example.com/world/biden-putin-call',
  type: 'reply',
  date: '2022-02-13T06:40:00Z',
  name: 'Tomas Lindqvist',
  email: 'tlindqvist@example.org',
  content:
    'An hour on the phone and both sides say nothing has changed. Putin keeps well ' +
    'over a hundred thousand troops near the Ukrainian border and Biden repeats that ' +
    'the sanctions will be swift and severe if they cross it. I doubt the threat ' +
    'works as long as Europe still depends on Russian gas and Germany will not say ' +
    'what happens to Nord Stream 2.',
}

function env(name) {
  const v = process.env[name]
  if (!v) {
    console.error(`client.mjs: ${name} is not set`)
    process.exit(2)
  }
  return v
}

// seedSpam returns the "A Divorced Mom" comment of the seed page at path.
function seedSpam(path) {
  const line = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .find((l) => l.startsWith('A Divorced Mom'))
  if (!line) throw new Error(`${path} has no line starting with "A Divorced Mom"`)
  return line
}

const port = env('SPAMCHECK_PORT')
const key = env('SPAMCHECK_KEY')
const badKey = env('SPAMCHECK_BAD_KEY')
const seedPath = process.env.SPAMCHECK_SEED

// Everything but the key and the host is what a site already has.
const options = { blog, lang: 'en', charset: 'UTF-8', host: `localhost:${port}`, protocol: 'http' }
const client = new AkismetClient({ ...options, key })
const badClient = new AkismetClient({ ...options, key: badKey })

const steps = []

// step runs fn and records whether it resolved to want (or, with want
// undefined, resolved at all).
async function step(name, want, fn) {
  const rec = { step: name, want: want === undefined ? 'resolves' : want }
  try {
    const got = await fn()
    rec.got = want === undefined ? 'resolved' : got
    rec.ok = want === undefined || got === want
  } catch (err) {
    rec.got = 'threw'
    rec.error = err.message
    if (err.status) rec.status = err.status
    if (err.response) rec.body = err.response.text
    rec.ok = false
  }
  steps.push(rec)
}

await step('verifyKey good key', true, () => client.verifyKey())
await step('verifyKey bad key', false, () => badClient.verifyKey())
await step('checkSpam spam', true, () => client.checkSpam(spam))
await step('checkSpam ham', false, () => client.checkSpam(ham))
if (seedPath) {
  await step('checkSpam seed spam', true, () => client.checkSpam({ ...spam, content: seedSpam(seedPath) }))
}
await step('submitSpam', undefined, () => client.submitSpam(spam))
await step('submitHam', undefined, () => client.submitHam(ham))

const failed = steps.filter((s) => !s.ok)
const summary = {
  client: 'akismet-api@6.0.0',
  host: options.host,
  ok: failed.length === 0,
  steps,
  submitted: [
    { label: 'spam', text: spam.content },
    { label: 'ham', text: ham.content },
  ],
}
console.log(JSON.stringify(summary, null, 2))
if (failed.length > 0) {
  for (const s of failed) {
    console.error(`client.mjs: ${s.step}: want ${s.want}, got ${s.got}${s.error ? ` (${s.error})` : ''}`)
  }
  process.exit(1)
}
