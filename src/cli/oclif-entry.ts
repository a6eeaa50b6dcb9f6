// What bin/run.js needs of oclif, as one bundle entry (scripts/build.js): the commands' chunks share
// this copy of oclif, so there is one Command class and one config.
export {run} from '@oclif/core/run'
// Our own flush, not oclif's: it does not wait forever once the reader of stdout has left.
export {flush} from './stdout.js'
