// What bin/run.js needs of oclif, as one bundle entry (scripts/build.js): the commands' chunks share
// this copy of oclif, so there is one Command class and one config.
export {run} from '@oclif/core/run'
export {flush} from '@oclif/core/flush'
