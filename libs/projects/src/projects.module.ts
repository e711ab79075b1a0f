import { Module, type DynamicModule } from '@nestjs/common';
import { ProjectDashboardController } from './api/project-dashboard.controller';
import { ProjectPhotosController } from './api/project-photos.controller';
import { ProjectQueriesController } from './api/project-queries.controller';
import { ProjectsController } from './api/projects.controller';
import {
  PhotoEvidence,
  PROJECTS_OPTIONS,
  type ProjectsOptions,
} from './application/photo-evidence';
import { PhotoIndexService } from './application/photo-index.service';
import { ProjectsQueries } from './application/projects.queries';
import { ProjectsApplicationModule } from './projects-application.module';

/**
 * Projects (扶贫项目, docs/projects-events.md) and their photo evidence over HTTP. Needs, from
 * the app, what `ProjectsApplicationModule` needs, DIVISION_REGISTRY, READ_STORE and BLOB_STORE.
 */
@Module({})
export class ProjectsModule {
  static forRoot(options: ProjectsOptions): DynamicModule {
    return {
      module: ProjectsModule,
      imports: [ProjectsApplicationModule],
      controllers: [
        ProjectsController,
        ProjectQueriesController,
        ProjectPhotosController,
        ProjectDashboardController,
      ],
      providers: [
        { provide: PROJECTS_OPTIONS, useValue: options },
        ProjectsQueries,
        PhotoIndexService,
        PhotoEvidence,
      ],
    };
  }
}
