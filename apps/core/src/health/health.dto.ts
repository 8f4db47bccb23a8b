/** Harbor's `ComponentHealthStatus` (api/v2.0/swagger.yaml). */
export interface ComponentHealthStatusDto {
  name: string;
  status: 'healthy' | 'unhealthy';
  error?: string;
}

/** Harbor's `OverallHealthStatus`: healthy only when every component is. */
export interface OverallHealthStatusDto {
  status: 'healthy' | 'unhealthy';
  components: ComponentHealthStatusDto[];
}
