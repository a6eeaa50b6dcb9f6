import * as Args from '@oclif/core/args'
import {Command} from '@oclif/core/command'

/** `apigw-doctor help [COMMAND]`: the same pages as `--help`, for those who type it as a word. */
export default class HelpCommand extends Command {
  static override summary = 'Show the commands by what you want to do, or one command’s flags and examples'
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help probe']
  static override strict = false
  static override args = {
    command: Args.string({description: 'the command to show (probe, lint, explain, diagnose, autocomplete)', required: false}),
  }

  async run(): Promise<void> {
    const {loadHelpClass} = await import('@oclif/core/help')
    const Help = await loadHelpClass(this.config)
    const help = new Help(this.config, this.config.pjson.oclif.helpOptions ?? {})
    // oclif reads a lone "help" as no subject at all: `help help` would print the root page.
    const self = this.argv.length === 1 && this.argv[0] === 'help' ? this.config.findCommand('help') : undefined
    await (self ? help.showCommandHelp(self, this.config.topics) : help.showHelp(this.argv))
  }
}
