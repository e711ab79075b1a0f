import { ApiProperty } from '@nestjs/swagger';
import { projectCategories, projectStatuses } from '../../domain';

export class CategoryFiguresDto {
  @ApiProperty({ enum: projectCategories }) category!: string;
  @ApiProperty({ example: 4 }) projects!: number;
  @ApiProperty({ description: 'Yuan', example: '720000.00' }) budget!: string;
  @ApiProperty({ description: 'Yuan', example: '216000.00' }) paid!: string;
}

export class StatusCountDto {
  @ApiProperty({ enum: projectStatuses }) status!: string;
  @ApiProperty({ example: 2 }) projects!: number;
}

export class PaidWithoutWorkPhotoDto {
  @ApiProperty({ example: 'prj-530325102202-1' }) projectId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '180000.00' }) budget!: string;
  @ApiProperty({ example: '60000.00' }) paid!: string;
  @ApiProperty({ example: '33.3' }) paidPercentOfBudget!: string;
}

export class ProjectDashboardDto {
  @ApiProperty({ example: '530325102' }) divisionCode!: string;
  @ApiProperty({ nullable: true, type: String, example: '营上镇' }) divisionName!: string | null;
  @ApiProperty({ example: 12 }) projects!: number;
  @ApiProperty({ type: [CategoryFiguresDto] }) byCategory!: CategoryFiguresDto[];
  @ApiProperty({ type: [StatusCountDto] }) byStatus!: StatusCountDto[];
  @ApiProperty({ description: 'Yuan', example: '2160000.00' }) budget!: string;
  @ApiProperty({
    description: 'Settled by the bank less returns, yuan (funds payments read model)',
    example: '648000.00',
  })
  paid!: string;
  @ApiProperty({ example: '30.0' }) paidPercentOfBudget!: string;
  @ApiProperty({ example: 37 }) photos!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Photos by stage (开工前, 施工中, 完工后)',
    example: { 开工前: 12, 施工中: 15, 完工后: 10 },
  })
  photosByStage!: Record<string, number>;
  @ApiProperty({
    description: 'Photos whose check named the same or a near-identical picture on another project',
    example: 1,
  })
  photosFlaggedAsDuplicates!: number;
  @ApiProperty({
    type: [PaidWithoutWorkPhotoDto],
    description: 'Projects paid more than 30 % of their budget with no 施工中 or 完工后 photo',
  })
  paidWithoutWorkPhotos!: PaidWithoutWorkPhotoDto[];
}
