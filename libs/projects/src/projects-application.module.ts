import { Module } from '@nestjs/common';
import { projectCommandsProvider } from './application/project-commands';
import { ProjectCommandHandler } from './application/project-command.handler';

/**
 * The projects context's application layer without HTTP: the command handler on the
 * CommandBus. Needs, from the app: CqrsModule and EVENT_STORE.
 */
@Module({
  providers: [projectCommandsProvider, ProjectCommandHandler],
  exports: [projectCommandsProvider],
})
export class ProjectsApplicationModule {}
