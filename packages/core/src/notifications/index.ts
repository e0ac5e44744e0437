// Telling the affiliates: the macro templates of their postbacks and the delivery queue's names and job.
export * from './template.js';
export * from './deliveryQueue.js';
export * from './deliveryJobOptions.js';
export * from './deliveryDeadLetters.js';
