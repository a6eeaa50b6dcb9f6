// One colour decision for oclif, ora and cli-table3 alike (oclif's own ignores NO_COLOR).

export interface OutputStyle {
  colour: boolean
  spinner: boolean
}

/**
 * Colour is off: --no-color, NO_COLOR, TERM=dumb or CI. bin/run.js asks this before oclif loads
 * (to turn oclif's own colours off), the commands through decideStyle.
 */
export function colourOff(noColor: boolean, env = process.env): boolean {
  // CI logs are files read later: no colour codes or animation in them even when a pseudo-terminal runs the job.
  // no-color.org: NO_COLOR counts when it is set and not empty; CI=false or CI=0 is not a CI.
  return noColor || Boolean(env.NO_COLOR) || env.TERM === 'dumb' || isCi(env)
}

export function decideStyle(opts: {noColor?: boolean; json?: boolean; quiet?: boolean}, env = process.env): OutputStyle {
  const noColour = colourOff(opts.noColor === true, env)
  const colour = !noColour && Boolean(process.stdout.isTTY)
  // Only when both ends are a terminal (a spinner on stderr would scribble over a pager reading stdout),
  // and never where colour is off: whoever turned colour off wants no animation either.
  const spinner = !opts.json && !opts.quiet && !noColour && Boolean(process.stderr.isTTY) && Boolean(process.stdout.isTTY)
  return {colour, spinner}
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.CI) && !/^(false|0)$/i.test(env.CI!)
}

const CODES = {red: [31, 39], yellow: [33, 39], green: [32, 39], cyan: [36, 39], dim: [2, 22], bold: [1, 22]} as const
export type Paint = (name: keyof typeof CODES, text: string) => string

export function painter(colour: boolean): Paint {
  return (name, text) => (colour ? `\u001B[${CODES[name][0]}m${text}\u001B[${CODES[name][1]}m` : text)
}
